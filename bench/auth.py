"""Sign-in throughput against raw bcrypt, and health latency while sign-ins run.

Why a bcrypt baseline: each sign-in costs one cost-12 bcrypt check, so the best a server can
do is the machine's raw bcrypt rate at the same parallelism. The ratio shows how much of it
ODCP's sign-in path (thread hand-off, two transactions, audit rows, JWT) keeps. The health
ratio shows whether sign-ins starve cheap requests (a shared thread pool, a blocked loop).

Each of the concurrent clients signs in as its own active patient with the right password:
only failures count towards sign-in throttling, so the load is never locked out. Runs
against a throwaway SQLite instance; never touches `instance/`.

Usage: `.venv/bin/python -m bench.auth` from the repository root.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import bcrypt
import httpx

from bench.api import HEALTH_PATH, _migrate, _use_instance
from bench.common import LoadResult, bench_line, load_with, serve

USERS = 8  # one per concurrent sign-in client
PASSWORD = "bench-sign-in-passphrase"  # noqa: S105 (throwaway benchmark account)
BCRYPT_COST = 12
BCRYPT_THREADS = 8
BCRYPT_CHECKS = 48
LOGINS = 64
LOGIN_CONCURRENCY = USERS
LOGIN_SECONDS = 60.0
HEALTH_WARMUP = 50
HEALTH_REQUESTS = 300
HEALTH_CONCURRENCY = 4
HEALTH_SECONDS = 60.0
LOGIN_PATH = "/api/v1/auth/login"


def _email(index: int) -> str:
    return f"bench-patient-{index}@example.com"


def _create_users() -> None:
    """Add the active patients the sign-in clients use (one shared cost-12 hash)."""
    from odcp.db import get_engine, session_scope
    from odcp.models.user import AccountStatus, Role
    from odcp.services.accounts import build_user
    from odcp.services.passwords import BCRYPT_ROUNDS, hash_password

    assert BCRYPT_ROUNDS == BCRYPT_COST, "the baseline must use the server's bcrypt cost"
    password_hash = hash_password(PASSWORD)
    with session_scope() as session:
        for index in range(USERS):
            build_user(session, email=_email(index), password=PASSWORD,
                       full_name=f"Bench Patient {index}", role=Role.PATIENT,
                       status=AccountStatus.ACTIVE, password_hash=password_hash)
    get_engine().dispose()


def _bcrypt_rate() -> float:
    """Raw `bcrypt.checkpw` checks per second at cost 12 from BCRYPT_THREADS threads."""
    secret = PASSWORD.encode()
    hashed = bcrypt.hashpw(secret, bcrypt.gensalt(BCRYPT_COST))
    with ThreadPoolExecutor(max_workers=BCRYPT_THREADS) as pool:
        list(pool.map(lambda _: bcrypt.checkpw(secret, hashed), range(BCRYPT_THREADS)))  # warm
        start = time.perf_counter()
        results = list(pool.map(lambda _: bcrypt.checkpw(secret, hashed), range(BCRYPT_CHECKS)))
        elapsed = time.perf_counter() - start
    if not all(results):
        raise RuntimeError("bcrypt baseline: a check of the right password failed")
    return BCRYPT_CHECKS / elapsed


def _sign_in(base: str):
    url = base + LOGIN_PATH
    bodies = [{"email": _email(i), "password": PASSWORD} for i in range(USERS)]

    def send(client: httpx.AsyncClient, index: int):
        return client.post(url, json=bodies[index % USERS])

    return send


def _get(url: str):
    def send(client: httpx.AsyncClient, _index: int):
        return client.get(url)

    return send


def _checked(what: str, result: LoadResult, expected: int | None = None) -> LoadResult:
    done = len(result.latencies)
    if result.errors or not done or (expected is not None and done != expected):
        raise RuntimeError(f"{what}: {result.errors} failed, {done} succeeded"
                           + (f" of {expected} expected" if expected is not None else ""))
    return result


async def _logins_with_health(base: str) -> tuple[LoadResult, LoadResult]:
    """The sign-in run with the health load alongside; health stops when sign-ins end."""
    stop = asyncio.Event()

    async def logins() -> LoadResult:
        try:
            return await load_with(_sign_in(base), LOGINS, LOGIN_CONCURRENCY, LOGIN_SECONDS)
        finally:
            stop.set()

    health = load_with(_get(base + HEALTH_PATH), HEALTH_REQUESTS, HEALTH_CONCURRENCY,
                       HEALTH_SECONDS, stop)
    login_result, health_result = await asyncio.gather(logins(), health)
    return login_result, health_result


def _measure(env: Mapping[str, str], factory: str = "odcp.api.app:create_api",
             ) -> tuple[LoadResult, LoadResult, LoadResult, LoadResult]:
    """Sign-ins alone, health idle, then both together; the server always stops."""
    with serve(factory, HEALTH_PATH, env) as base:
        health_url = base + HEALTH_PATH
        _checked("health warm-up", asyncio.run(
            load_with(_get(health_url), HEALTH_WARMUP, HEALTH_CONCURRENCY, HEALTH_SECONDS)))
        _checked("sign-in warm-up", asyncio.run(
            load_with(_sign_in(base), USERS, LOGIN_CONCURRENCY, LOGIN_SECONDS)), USERS)
        logins = _checked("sign-ins", asyncio.run(
            load_with(_sign_in(base), LOGINS, LOGIN_CONCURRENCY, LOGIN_SECONDS)))
        idle = _checked("health idle", asyncio.run(
            load_with(_get(health_url), HEALTH_REQUESTS, HEALTH_CONCURRENCY, HEALTH_SECONDS)),
            HEALTH_REQUESTS)
        busy_logins, busy = asyncio.run(_logins_with_health(base))
        _checked("sign-ins under health load", busy_logins)
        _checked("health under sign-in load", busy)
    return logins, idle, busy_logins, busy


def main() -> int:
    """Print the two BENCH lines; exit non-zero if any request failed."""
    with tempfile.TemporaryDirectory(prefix="odcp-bench-") as instance_dir:
        env = _use_instance(instance_dir)
        _migrate()
        _create_users()
        try:
            # Bracket the server run so CPU speed drift hits both sides alike.
            before = _bcrypt_rate()
            logins, idle, busy_logins, busy = _measure(env)
            after = _bcrypt_rate()
        except RuntimeError as exc:
            print(f"bench.auth failed: {exc}", file=sys.stderr)
            return 1
    bcrypt_per_s = (before + after) / 2
    ratio = logins.rps / bcrypt_per_s if bcrypt_per_s else 0.0
    health_ratio = busy.p95_ms / idle.p95_ms if idle.p95_ms else 0.0
    bench_line("auth", logins_per_s=f"{logins.rps:.2f}", bcrypt_per_s=f"{bcrypt_per_s:.2f}",
               ratio=f"{ratio:.3f}")
    bench_line("auth_health", p95_idle_ms=f"{idle.p95_ms:.2f}",
               p95_load_ms=f"{busy.p95_ms:.2f}", ratio=f"{health_ratio:.3f}")
    print(f"bench.auth detail: bcrypt_before={before:.2f} bcrypt_after={after:.2f} "
          f"login_p95_ms={logins.p95_ms:.1f} logins_under_health_per_s={busy_logins.rps:.2f} "
          f"health_under_load_n={len(busy.latencies)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
