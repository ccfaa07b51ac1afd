"""`python3 -m autograder.platforms.gradescope run|selftest`: what run_autograder and setup.sh call on Gradescope.

run        grade AUTOGRADER_ROOT/submission into AUTOGRADER_ROOT/results/results.json
selftest   grade the bundled reference solution; exit 1 unless it earns every point
"""
import argparse
import gc

gc.disable()        # while the grader imports its modules: run turns it on again (platforms/process.py)

from autograder.platforms.gradescope import run  # noqa: E402
from autograder.platforms.process import leave  # noqa: E402

parser = argparse.ArgumentParser(prog="python3 -m autograder.platforms.gradescope", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("command", choices=["run", "selftest"])
parser.add_argument("--root", help="the Gradescope tree (default: $AUTOGRADER_ROOT, else /autograder)")
args = parser.parse_args()
leave(run.run(run.layout(args.root)) if args.command == "run" else run.selftest())
