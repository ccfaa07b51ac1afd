"""The student's own package."""
