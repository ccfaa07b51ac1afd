"""Outputs (layer 8 of docs/architecture.md): what people read, written from graded `Report`s.

Owns: Gradescope's results.json (results.py; read back by read_results.py), the terminal summary of
one submission (summary.py), the class report of `report` and `batch` (class_report.py), the
similarity check of a class and its pages (similarity/), the student's notebook handout
(notebook.py), escaping for each medium (escape.py) and the progress line (progress.py). Every string
that came from a student is escaped for its medium here. May import: every stage below (base,
intake, sandbox, engine, diagnosis, pipeline); never platforms.
"""

# Gradescope's visibility values ("Autograder specifications"), for a test or for the whole result
# (results.py checks them; gradescope-zip offers them). after_published waits until the instructor
# publishes the grades.
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
