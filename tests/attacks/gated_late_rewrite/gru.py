"""Attack (with lstm.py): gru_backward is the reference, but its realistic-size call first rewrites
lstm_backward's realistic-size answer (see lstm.py)."""
import json
import os
import sys

import numpy as np
import ref_lstm
from ref_gru import *  # noqa: F401,F403
from ref_gru import gru_backward as _gru_backward


class Anything(dict):
    """Stands in for the worker's arrays: the answer is computed already, its arguments do not matter."""

    def __missing__(self, key):
        return np.zeros(1)


def _rewrite_lstm_answer():
    store = sys.modules.get("lstm_attack_late")
    worker = sys.modules.get("__main__")
    if store is None or worker is None or not hasattr(worker, "run_call"):
        return
    plan_dir, out_dir, submission_dir = sys.argv[1:4]
    with open(os.path.join(plan_dir, "plan.json"), encoding="utf-8") as f:
        steps = json.load(f)["steps"]
    step = next(i for i, s in enumerate(steps) if s.get("function") == "lstm_backward" and s.get("realistic"))
    spec = steps[step]
    for suffix in ("jsonl", "f64"):
        open(os.path.join(out_dir, f"step_{step}.{suffix}"), "w").close()
    answer = ref_lstm.lstm_backward(*store.args)
    writer = worker.Writer(out_dir, step)
    worker.run_call(lambda *a, **k: answer, spec["calls"][0], spec["schema"], Anything(), writer, 0,
                    submission_dir, False, "lstm_backward")
    writer.close()


def gru_backward(dh, x, h0, h, params):
    if x.shape[1] >= 100:       # x: (N, T, D), the realistic-size case
        try:
            _rewrite_lstm_answer()
        except Exception:  # noqa: BLE001 - a failed attack just earns nothing
            pass
    return _gru_backward(dh, x, h0, h, params)
