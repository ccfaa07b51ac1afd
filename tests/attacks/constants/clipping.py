"""Attack: clip_grad_norm always raises ValueError (which the max_norm <= 0 cases expect)."""


def clip_grad_norm(grads, max_norm):
    raise ValueError("max_norm must be positive")
