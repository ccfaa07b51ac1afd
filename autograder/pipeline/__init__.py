"""Pipeline (layer 7 of docs/architecture.md): one submission graded, end to end, in this trusted process.

Owns: grade.py, grade_submission: stage (intake) -> build the cases (engine) -> run the plan in a
fresh sandbox worker (sandbox) -> judge and score (engine) -> diagnose (diagnosis) -> a `Report`,
the graded submission (its tests, score and feedback). Writes no file. May import: every stage below
(base, intake, sandbox, engine, diagnosis); never outputs or platforms. Assignments are loaded by
name (autograder.assignment.load), not imported.
"""
