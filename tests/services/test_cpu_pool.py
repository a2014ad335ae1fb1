"""The CPU pool runs work off the event loop with the caller's context variables."""

from __future__ import annotations

import contextvars
import threading

from odcp.cpu import run_cpu_bound

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def _where() -> tuple[str, str]:
    return threading.current_thread().name, REQUEST_ID.get()


async def test_work_runs_on_the_pool_and_sees_the_callers_context():
    REQUEST_ID.set("req-42")
    thread, request_id = await run_cpu_bound(_where)
    assert thread.startswith("odcp-cpu") and request_id == "req-42"
