"""Browser tests: the real app (`reflex run --env prod`) on a free loopback port, driven by
Debian's Chromium through Playwright's sync API (never a downloaded browser).

The app is started once per session on a fresh SQLite database in a temporary instance
folder, migrated and seeded with the demo clinic, exactly as `make run` does.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

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
    """Every test in this folder is a browser test, and they run last: Playwright's sync
    API leaves an event loop running in the main thread, which breaks async tests that
    come after it in the same process."""
    here = Path(__file__).parent
    browser = [i for i in items if Path(str(i.fspath)).is_relative_to(here)]
    for item in browser:
        item.add_marker(pytest.mark.e2e)
    others = [i for i in items if not Path(str(i.fspath)).is_relative_to(here)]
    items[:] = others + browser


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """Messages received by the loopback SMTP server, newest last."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd handler hook
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def wait_for(self, to: str, subject_has: str, timeout: float = 20.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in reversed(self.messages):
                    if to in str(message["To"]) and subject_has in str(message["Subject"]):
                        return message
            time.sleep(0.2)
        raise AssertionError(f"no mail to {to} about {subject_has!r} within {timeout} s; "
                             f"got {[(m['To'], m['Subject']) for m in self.messages]}")

    @staticmethod
    def link(message: EmailMessage, path: str) -> str:
        body = message.get_body(preferencelist=("plain",)).get_content()
        found = re.search(r"https?://\S+" + re.escape(path) + r"\?\S+", body)
        assert found, f"no {path} link in:\n{body}"
        return found.group(0)


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on loopback that the app delivers its mail to; one per test
    module, like the app, so a module never reads another module's mail."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


def _app_env(instance: Path, url: str, smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update({
        # Set empty rather than removed so a developer's .env cannot fill them in: no
        # DATABASE_URL means SQLite in the instance folder; mail goes to the test's server.
        "DATABASE_URL": "",
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": "",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "ODCP_INSTANCE_DIR": str(instance),
        # Each run builds its own frontend, so test runs (and `make run`) never share .web.
        "REFLEX_WEB_WORKDIR": str(instance / "web"),
        "REFLEX_STATES_WORKDIR": str(instance / "states"),
        "ODCP_ENV": "development",
        "ODCP_PUBLIC_URL": url,
        "REFLEX_API_URL": url,
        "REFLEX_DEPLOY_URL": url,
        "PATH": f"{BUN_BIN}{os.pathsep}{env.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        # Calls in tests stay on loopback: the relay offers 127.0.0.1 only (DESIGN.md).
        "ODCP_RTC_HOST_ADDRESSES": "127.0.0.1",
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


@pytest.fixture(scope="module")
def app_url(mailbox: Mailbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the running app (pages, websocket and API on one port), one app per test
    module so that modules never see each other's data (about 6 s each). Its instance
    folder (database, secrets, reflex.log) is kept by pytest for the last few runs."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    instance = tmp_path_factory.mktemp("odcp-e2e")
    env = _app_env(instance, url, mailbox.port)
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


def watch_console(page) -> None:
    """Collect console errors and uncaught page errors on `page.console_errors`.

    A test that expects one (the 404 page's own document) adds a regex to
    `page.allowed_errors`; every other error fails the test at teardown even if the test
    did not look, since some (Chromium's one favicon request per browser) land in whichever
    test happens to load the first page.
    """
    errors: list[str] = []
    page.console_errors = errors
    page.allowed_errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(
        f"console: {msg.text} ({msg.location.get('url', '')})"))
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))


def unexpected_errors(page) -> list[str]:
    return [e for e in page.console_errors
            if not any(re.search(rx, e) for rx in page.allowed_errors)]


@contextlib.contextmanager
def page_factory(browser, app_url: str, *, timeout_ms: int = 15_000,
                 init_script: str | None = None) -> Iterator[Callable[..., object]]:
    """Make pages in fresh contexts (own cookies), each watched for errors; on exit close
    them and fail the test if any page logged an unexpected error."""
    contexts, pages = [], []

    def make(**context_args):
        context = browser.new_context(base_url=app_url, **context_args)
        context.set_default_timeout(timeout_ms)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        watch_console(page)
        pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()
    errors = [e for p in pages for e in unexpected_errors(p)]
    if errors:
        pytest.fail("console or page errors:\n" + "\n".join(errors))


@pytest.fixture
def new_page(browser, app_url):
    """Factory for pages in fresh contexts (own cookies), each watched for errors."""
    with page_factory(browser, app_url) as make:
        yield make


@pytest.fixture
def page(new_page):
    """A desktop-size page in a fresh context; `page.console_errors` lists what went wrong."""
    return new_page(viewport={"width": 1280, "height": 900})


def wait_ready(page) -> None:
    """Wait until the page has rendered, then insist on its frame: one <header> (banner)
    and one <main> landmark, which the tests use to tell navigation from content."""
    page.wait_for_load_state("networkidle")
    page.locator("h1").first.wait_for()
    for role, tag in (("banner", "header"), ("main", "main")):
        found = page.get_by_role(role).count()
        if found != 1:
            raise AssertionError(
                f"{page.url}: {found} <{tag}> landmarks (role={role}), expected 1; the page "
                f"frame (odcp/components/layout.py) must render real <header>/<main> elements")
    page.get_by_role("main").get_by_role("heading", level=1).first.wait_for()


def path_is(path: str) -> re.Pattern[str]:
    """A URL pattern matching exactly `path` (no query), for `page.wait_for_url`."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"/?$")


def labelled(scope, label: str):
    """The one input whose accessible name is `label` (a <label for=...> pointing at it),
    waiting for it to render."""
    field = scope.get_by_label(label, exact=True)
    try:
        expect(field).to_have_count(1)
    except AssertionError:
        labels = scope.locator("label").all_inner_texts()
        raise AssertionError(
            f"{field.count()} inputs labelled {label!r}; labels on the page: {labels} "
            f"(a <label> without for= does not name its input)") from None
    return field


def sign_in(page, email: str, password: str = DEMO_PASSWORD, *,
            code: Callable[[], str] | None = None) -> None:
    """Sign in through the /login form (with a two-step `code` when the account has one)
    and wait for the account page."""
    page.goto("/login")
    wait_ready(page)
    form = page.get_by_role("main")
    labelled(form, "Email").fill(email)
    labelled(form, "Password").fill(password)
    form.get_by_role("button", name="Sign in", exact=True).click()
    if code is not None:
        form.get_by_label("Code", exact=True).wait_for(state="visible", timeout=20_000)
        labelled(form, "Code").fill(code())
        form.get_by_role("button", name="Verify").click()
    try:
        page.wait_for_url(path_is("/account"), timeout=20_000)
    except Exception as exc:
        raise AssertionError(
            f"after signing in as {email} the browser is at {page.url}, not /account; "
            f"the page shows {page.locator('h1').all_inner_texts()}") from exc
    wait_ready(page)


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot when ODCP_SCREENSHOTS=1."""
    if os.environ.get("ODCP_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def book_through_api(app_url: str, *, doctor_id: int = 2, days: int = 2,
                     email: str = PATIENT_EMAIL) -> dict:
    """Book the first free video slot with `doctor_id` from `days` to `days + 4` days ahead
    as `email`, through the REST API, so a test starts from a real appointment without
    clicking through booking; returns the appointment as the API answers it."""
    from datetime import UTC, datetime, timedelta  # kept local: added after the top imports

    with httpx.Client(base_url=app_url, timeout=20) as client:
        token = client.post("/api/v1/auth/login", json={
            "email": email, "password": DEMO_PASSWORD}).json()["access_token"]
        now = datetime.now(UTC)
        free = client.get("/api/v1/slots", params={
            "doctor_id": doctor_id, "start": (now + timedelta(days=days)).isoformat(),
            "end": (now + timedelta(days=days + 4)).isoformat()}).json()
        booked = client.post("/api/v1/appointments", json={
            "doctor_id": doctor_id, "starts_at": free[0]["starts_at"], "mode": "video"},
            headers={"Authorization": f"Bearer {token}"})
        assert booked.status_code == 201, booked.text
        return booked.json()
