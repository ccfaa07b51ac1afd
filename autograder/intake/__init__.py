"""Intake (layer 2 of docs/architecture.md): from what a student or a class uploaded to the files the grader reads.

Owns: finding and staging a submission's files (submission.py: upload -> survey -> locate ->
normalise -> stage), the zip limits checked before zipfile reads a zip (ziplimits.py), reading
student modules out of Jupyter notebooks without running them (notebook_submission.py), a class's
inputs for `batch` and `similarity` (batch_inputs.py: folders, zips, a Gradescope export, an nbgrader
course) and the canonical form of the staged code that seeds the hidden cases (canonical.py).
Everything here reads untrusted bytes but never runs them. May import: the base modules
(autograder.i18n, autograder.assignment) and intake itself; nothing from a stage above.
"""
