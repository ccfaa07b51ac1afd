"""Platforms (layer 9 of docs/architecture.md, the top): where and how grading is started.

Owns: the command line (cli.py; `python -m autograder` and the `rnn-autograder` script), grading
one submission safely and saving its results.json (safe_grade.py, used by every platform), a class
in parallel (batch.py; batch_jobs.py, what a grader process is sent; batch_dask.py, a Dask cluster),
Gradescope (gradescope/: the zip and what runs in it) and nbgrader (nbgrader_autograde.py and
notebook_grades.py: grading notebooks in the sandbox). May import every stage below; nothing below
imports a platform.
"""
