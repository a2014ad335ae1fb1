"""Shared benchmark helpers, so every benchmark measures and reports the same way.

Servers run in a separate uvicorn process so the load generator never shares their event
loop; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine
from sqlalchemy import text as sql_text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def percentile(values: list[float], pct: float) -> float:
    """Linear-interpolated percentile (0-100); NaN for no data rather than a fake zero."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def bench_line(name: str, **metrics: object) -> str:
    """Print and return one `BENCH name key=value ...` line, the format tools grep for."""
    line = " ".join([f"BENCH {name}", *(f"{key}={value}" for key, value in metrics.items())])
    print(line, flush=True)
    return line


def free_port() -> int:
    """A currently unused TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def create_bare_app() -> Starlette:
    """Baseline: the cheapest JSON endpoint uvicorn can serve, to normalise API results."""

    async def ping(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/ping", ping)])


def _wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    """Poll `url` until it answers, so measurements never include server start-up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f}s")


@contextmanager
def serve(factory: str, probe_path: str, env: Mapping[str, str] | None = None,
          timeout: float = 30.0) -> Iterator[str]:
    """Run `uvicorn --factory <factory>` (one worker) and yield its base URL; always stop it."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", HOST,
           "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=dict(env) if env is not None else None,
                            stdout=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        _wait_ready(proc, base + probe_path, timeout)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class LoadResult:
    """Outcome of one load run; latencies are per successful request, in seconds."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies, 95) * 1000


async def load(url: str, total: int, concurrency: int = 16,
               max_seconds: float = 20.0) -> LoadResult:
    """Send up to `total` GETs from `concurrency` keep-alive clients, stopping at `max_seconds`."""
    result = LoadResult()
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        start = time.perf_counter()
        stop_at = start + max_seconds

        async def worker() -> None:
            nonlocal issued
            while issued < total and time.perf_counter() < stop_at:
                issued += 1
                t0 = time.perf_counter()
                try:
                    resp = await client.get(url)
                    ok = resp.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    result.latencies.append(time.perf_counter() - t0)
                else:
                    result.errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.elapsed = time.perf_counter() - start
    return result


async def load_with(send: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
                    total: int, concurrency: int, max_seconds: float,
                    stop: asyncio.Event | None = None) -> LoadResult:
    """Like `load`, but `send(client, worker_index)` makes each request (any method/body).

    Worker `i` always passes `i`, so a caller can pin each client to its own account. The run
    ends after `total` requests, at `max_seconds`, or as soon as `stop` is set; only 200s count
    as successes.
    """
    result = LoadResult()
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=max_seconds + 30.0) as client:
        start = time.perf_counter()
        stop_at = start + max_seconds

        def go_on() -> bool:
            return (issued < total and time.perf_counter() < stop_at
                    and not (stop is not None and stop.is_set()))

        async def worker(index: int) -> None:
            nonlocal issued
            while go_on():
                issued += 1
                t0 = time.perf_counter()
                try:
                    ok = (await send(client, index)).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    result.latencies.append(time.perf_counter() - t0)
                else:
                    result.errors += 1

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        result.elapsed = time.perf_counter() - start
    return result


PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def run_on_databases(run: Callable[[Engine, str], None], label: str) -> None:
    """Call `run(engine, name)` on a temporary SQLite file, then on a throwaway PostgreSQL
    database (created and dropped here) when ODCP_TEST_DATABASE_URL or the local server
    answers; never on the configured database, so a benchmark cannot touch real data.

    `odcp` is imported here, not at the top: callers set the environment before it loads.
    """
    from odcp import db
    from odcp.settings import _normalize_db_url

    with tempfile.TemporaryDirectory(prefix=f"odcp-bench-{label}-") as folder:
        engine = db.make_engine(f"sqlite:///{folder}/{label}.db")
        try:
            run(engine, "sqlite")
        finally:
            engine.dispose()
    admin_url = _normalize_db_url(os.environ.get("ODCP_TEST_DATABASE_URL") or PG_DEFAULT)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = f"odcp_bench_{uuid.uuid4().hex[:10]}"
            conn.execute(sql_text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server here: the SQLite figures still stand
        print(f"bench.{label}: PostgreSQL skipped ({type(exc).__name__})", file=sys.stderr)
        admin.dispose()
        return
    engine = db.make_engine(admin_url.rsplit("/", 1)[0] + "/" + name)
    try:
        run(engine, "postgresql")
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sql_text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
