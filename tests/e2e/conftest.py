"""Browser tests: the real app (`reflex run --env prod`) on a free loopback port, driven by
Debian's Chromium through Playwright's sync API (never a downloaded browser).

The app is started once per session on a fresh SQLite database in a temporary instance
folder, migrated and seeded with the demo clinic, exactly as `make run` does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
BUN_BIN = ROOT / "tools" / "bun" / "node_modules" / ".bin"
PYTHON = ROOT / ".venv" / "bin" / "python"
REFLEX = ROOT / ".venv" / "bin" / "reflex"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
START_TIMEOUT = 240.0
SCREENSHOTS = ROOT / "screenshots"

ADMIN_EMAIL = "admin@clinic.example"
PATIENT_EMAIL = "alice@patients.example"
DEMO_PASSWORD = "demo-clinic-2026"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _app_env(instance: Path, url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update({
        "ODCP_INSTANCE_DIR": str(instance),
        "ODCP_ENV": "development",
        "ODCP_PUBLIC_URL": url,
        "REFLEX_API_URL": url,
        "REFLEX_DEPLOY_URL": url,
        "PATH": f"{BUN_BIN}{os.pathsep}{env.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
    })
    return env


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _up(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of the running app (pages, websocket and API on one port)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    instance = Path(tempfile.mkdtemp(prefix="odcp-e2e-"))
    env = _app_env(instance, url)
    for command in ("migrate", "seed"):
        done = subprocess.run([str(PYTHON), "-m", "odcp", command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            pytest.fail(f"`python -m odcp {command}` failed:\n{done.stdout}\n{done.stderr}")
    log_path = instance / "reflex.log"
    log = log_path.open("wb")
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(REFLEX), "run", "--env", "prod", "--backend-host", "127.0.0.1",
         "--frontend-port", str(port), "--backend-port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with httpx.Client(timeout=5.0) as client:
            while True:
                if _up(client, f"{url}/api/v1/health") and _up(client, f"{url}/"):
                    break
                if proc.poll() is not None:
                    pytest.fail(f"reflex exited with {proc.returncode}:\n{_tail(log_path)}")
                if time.monotonic() - started > START_TIMEOUT:
                    pytest.fail(f"the app did not answer on {url} within {START_TIMEOUT:.0f} s:"
                                f"\n{_tail(log_path)}")
                time.sleep(1.0)
        print(f"\nE2E app up on {url} after {time.monotonic() - started:.1f} s "
              f"(log: {log_path})")
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    f"(`make chromium` or `apt-get install chromium`); the browser tests "
                    f"never download a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _watch(page) -> None:
    """Collect console errors and uncaught page errors on `page.console_errors`."""
    errors: list[str] = []
    page.console_errors = errors
    page.on("console", lambda msg: msg.type == "error" and errors.append(
        f"console: {msg.text} ({msg.location.get('url', '')})"))
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))


@pytest.fixture
def new_page(browser, app_url):
    """Factory for pages in fresh contexts (own cookies), each watched for errors."""
    contexts = []

    def make(**context_args):
        context = browser.new_context(base_url=app_url, **context_args)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        _watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-size page in a fresh context; `page.console_errors` lists what went wrong."""
    return new_page(viewport={"width": 1280, "height": 900})


def wait_ready(page) -> None:
    """Wait until the page has loaded and Reflex has run its on_load events."""
    page.wait_for_load_state("networkidle")
    page.locator("header").first.wait_for()


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    wait_ready(page)
    page.locator("input#email").fill(email)
    page.locator("input#password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/account", timeout=20_000)
    wait_ready(page)


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot when ODCP_SCREENSHOTS=1."""
    if os.environ.get("ODCP_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
