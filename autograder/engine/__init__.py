"""Engine (layer 4 of docs/architecture.md): the grading vocabulary and the judging of answers.

Owns: test cases and their draws (cases.py), checks and probes (checks.py), judging answers against
the reference (judge.py, derivation.py for symbolic checks), scoring and feedback (scoring.py,
worker_text.py), the plan of calls sent to the sandbox (plan.py), redaction of hidden cases
(redact.py), the course secret (secret.py) and the grader's and a submission's fingerprints
(fingerprint.py), and the grader-side maths assignments share (numerics.py: central differences,
the overflow-free logistic, the activation derivatives from the output and their largest values).
Instructors' assignment folders import it (autograder.engine.checks, .cases, .judge; the old names
autograder.checks and autograder.cases still work). May import: the base modules, intake, sandbox
and engine itself; never diagnosis or a stage above.
"""
