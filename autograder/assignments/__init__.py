"""The built-in assignments, one package each (autograder.assignment.load finds them by name)."""
