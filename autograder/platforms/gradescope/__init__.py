"""Gradescope: the autograder zip, and what runs inside it on Gradescope.

bundle.py    build the zip (`python -m autograder gradescope-zip --output autograder.zip`)
settings.py  the choices made at build time (visibility), stored in the zip as gradescope.json
metadata.py  read submission_metadata.json (greeting, number of earlier submissions), defensively
run.py       what run_autograder and setup.sh call: `python3 -m autograder.platforms.gradescope run|selftest`
templates/   setup.sh, run_autograder, requirements.txt (the zip's root)
Instructor steps: the README, section "Gradescope".
"""
