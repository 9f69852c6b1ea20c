"""Pausing Python's cyclic garbage collector around allocation-heavy work.

Building rdflib graphs for pySHACL and merging the derived graph's summaries each make
hundreds of thousands of small objects. Every few hundred allocations the collector walks the
young objects, and now and then the whole heap; at 10,000 articles those passes were over a
third of the time spent handing articles to pySHACL and a fifth of the derived merge. Reference
counting still frees almost everything at once; what the work leaves in cycles (pySHACL's
shape objects point at each other) is collected once after each batch of articles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Run the block with the cyclic collector off, then restore it as it was (the caller
    collects what the block left in cycles when it suits it: kg.pipeline after each batch)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
