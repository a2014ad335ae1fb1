"""Throughput and p95 latency of the API's health endpoint against a bare Starlette baseline.

Why a baseline: raw requests/second depends on the machine, while the ratio to the cheapest
possible uvicorn endpoint shows the cost ODCP's own stack (FastAPI, error handlers, a DB
round trip) adds. Runs against a throwaway SQLite instance; never touches `instance/`.

Usage: `.venv/bin/python -m bench.api` from the repository root.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Mapping

from bench.common import LoadResult, bench_line, load, serve

WARMUP = 200
REQUESTS = 3000
CONCURRENCY = 16
MAX_SECONDS = 20.0
HEALTH_PATH = "/api/v1/health"
BARE_PATH = "/ping"


def _use_instance(instance_dir: str) -> dict[str, str]:
    """Point this process at a throwaway SQLite dev instance; return the env for servers."""
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(ODCP_INSTANCE_DIR=instance_dir, ODCP_ENV="development")
    return dict(os.environ)


def _migrate() -> None:
    """Bring the throwaway database to head; odcp is imported only after the env is set."""
    from odcp.db import get_engine
    from odcp.services import migrations

    engine = get_engine()
    migrations.upgrade(engine)
    engine.dispose()


def _measure(factory: str, path: str, env: Mapping[str, str]) -> LoadResult:
    """Start one server, warm it up, then time the bounded load run; the server always stops."""
    with serve(factory, path, env) as base:
        url = base + path
        warm = asyncio.run(load(url, WARMUP, CONCURRENCY, MAX_SECONDS))
        if warm.errors:
            raise RuntimeError(f"{factory}: {warm.errors} failed warm-up requests")
        result = asyncio.run(load(url, REQUESTS, CONCURRENCY, MAX_SECONDS))
    if result.errors:
        raise RuntimeError(f"{factory}: {result.errors} failed requests out of "
                           f"{result.errors + len(result.latencies)}")
    return result


def main() -> int:
    """Benchmark both servers and print the BENCH lines; exit non-zero if any request failed."""
    with tempfile.TemporaryDirectory(prefix="odcp-bench-") as instance_dir:
        env = _use_instance(instance_dir)
        _migrate()
        try:
            api = _measure("odcp.api.app:create_api", HEALTH_PATH, env)
            bare = _measure("bench.common:create_bare_app", BARE_PATH, env)
        except RuntimeError as exc:
            print(f"bench.api failed: {exc}", file=sys.stderr)
            return 1
    ratio = api.rps / bare.rps if bare.rps else 0.0
    bench_line("api", rps=f"{api.rps:.2f}", p95_ms=f"{api.p95_ms:.2f}",
               bare_rps=f"{bare.rps:.2f}", ratio=f"{ratio:.3f}")
    bench_line("api_bare", p95_ms=f"{bare.p95_ms:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
