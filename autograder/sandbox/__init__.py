"""Sandbox (layer 3 of docs/architecture.md): the only place student code runs, and the trust boundary.

Owns: the confined worker process (worker.py, copied into each job: it imports nothing from the
grader), its confinement (confine.py: namespaces via bubblewrap, or the fallback with Landlock,
seccomp (seccomp.py, landlock.py), process and slot limits (procs.py, slots.py), its private
file tree (tree.py) and runtime view (runtime.py)), and the trusted side's runner (runner.py), which
sends the worker a plan of calls and reads its answers back over a bounded wire (wire.py, forms.py).
May import: the base modules (autograder.i18n, autograder.assignment) and sandbox itself; nothing from
intake or a stage above.
"""
