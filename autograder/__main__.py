from autograder.platforms.cli import run

run()
