"""A bounded thread pool for CPU-heavy request work (bcrypt, PDF rendering).

Why not `asyncio.to_thread`: its default pool is shared with every other blocking call
(health checks, DB work), so a burst of sign-ins would queue ordinary requests behind
seconds of bcrypt. This pool has one thread per core: extra sign-ins wait here, and
everything else keeps its own threads, and the pool's threads run at a lower priority
(bench.auth measures both).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

CPU_NICENESS = 19


def _lower_priority() -> None:
    """Run pool threads at a lower CPU priority (Linux: per thread), so when bcrypt fills
    every core the event loop and its quick requests still get the CPU first."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CPU_NICENESS)


_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="odcp-cpu",
                           initializer=_lower_priority)


async def run_cpu_bound(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run `fn` on the CPU pool without blocking the event loop, with the caller's context
    variables (as `asyncio.to_thread` does), so e.g. request-scoped values stay visible."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    return await loop.run_in_executor(
        _POOL, functools.partial(context.run, fn, *args, **kwargs))
