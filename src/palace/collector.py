"""Pausing Python's cyclic garbage collector while a story is built or decoded.

Building a story creates a few objects for every byte of YAML, and all of them
stay alive until the story is returned. Each of the collector's full passes walks
every live object, so with the collector running, loading grows faster than the
story: 10,000 scenes took 7.1 s with it and 2.6 s without. Neither the YAML nodes
nor the model form reference cycles, so pausing leaves nothing behind; whatever
garbage does arise is collected as soon as the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, then restore it as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
