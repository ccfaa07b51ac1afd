"""Attack: jacobian.py never finishes importing (an infinite CPU loop at module level)."""
while True:
    pass
