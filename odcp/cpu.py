"""A bounded thread pool for CPU-heavy request work (bcrypt, PDF rendering).

Why not `asyncio.to_thread`: its default pool is shared with every other blocking call
(health checks, DB work), so a burst of sign-ins would queue ordinary requests behind
seconds of bcrypt. This pool has one thread per core: extra sign-ins wait here, and
everything else keeps its own threads (bench.auth measures it).
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="odcp-cpu")


async def run_cpu_bound(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run `fn` on the CPU pool without blocking the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, functools.partial(fn, *args, **kwargs))
