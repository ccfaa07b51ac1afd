import sys

from autograder.platforms.cli import main

sys.exit(main())
