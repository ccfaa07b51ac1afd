"""Attack: clip_grad_norm wants far more CPU than its calls' budgets. In the first call of the plan's
last step it burns CPU while forging progress lines on the worker's progress pipe (its number is in
sys.argv) to restart its time limit: call lines for calls that do not exist, for calls whose
predecessor has no record, "step"/"done" lines, and finally calls "earned" by forged records. It
answers correctly only once it has used more CPU than all the calls of its step may use together;
every other call of clip_grad_norm answers wrongly. Forged records are removed before it answers."""
import json
import os
import sys
import time

import attack_kit as kit
import ref_clipping
from ref_clipping import *  # noqa: F401,F403

CALL_BUDGET = 1.0        # runner.Limits.call_cpu_seconds


def _step():
    """(step index, records path) of the step running now, from the open answer files."""
    for fd in range(3, 256):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if path.endswith(".jsonl"):
            return int(path.rsplit("_", 1)[1].split(".")[0]), path
    return None, None


def _plan():
    try:
        with open(os.path.join(sys.argv[1], "plan.json")) as f:
            return json.load(f)["steps"]
    except (OSError, ValueError, IndexError, KeyError):
        return []


def _forge_and_burn(step, records, calls, fd):
    target = calls * CALL_BUDGET + 1.5
    start = time.process_time()
    size = os.path.getsize(records)
    forged = 0
    while time.process_time() - start < target:
        end = time.process_time() + 0.25
        while time.process_time() < end:
            pass
        lines = [f"call {step} {10**6 + forged}", f"call {step} 1", f"call {step} 2", f"step {step + 1}",
                 f"call {step + 1} 0", "done", f"step {step}"]
        if forged < calls:        # a record for the call before the one it claims to be in
            with open(records, "a") as f:
                f.write(json.dumps({"call": forged, "warnings": []}) + "\n")
            lines.append(f"call {step} {forged + 1}")
        forged += 1
        try:
            os.write(fd, ("\n".join(lines) + "\n").encode())
        except OSError:
            pass
    with open(records, "r+") as f:       # leave no trace of the forged records
        f.truncate(size)
    return True


def clip_grad_norm(grads, max_norm):
    steps = _plan()
    step, records = _step()
    won = False
    if step is not None and step == len(steps) - 1:
        won = kit.once("burn", lambda: _forge_and_burn(step, records, len(steps[step]["calls"]), int(sys.argv[4])))
    return kit.oracle(won or kit._ONCE.get("burn", False), ref_clipping.clip_grad_norm, grads, max_norm)
