"""An HTTP client over the ASGI API app, on every database backend under test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio

from odcp.api.app import create_api
from odcp.models.user import User
from tests.conftest import PASSWORD

BASE_URL = "http://127.0.0.1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """API tests share the session's event loop with the client fixture."""
    for item in items:
        if "tests/api/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"))


@pytest_asyncio.fixture(loop_scope="session")
async def client(engine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_api(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


Login = Callable[..., Awaitable[dict]]


@pytest.fixture
def login(client: httpx.AsyncClient) -> Login:
    """POST /auth/login for a persona; returns the JSON body (asserting a 200)."""

    async def _login(user: User, password: str = PASSWORD) -> dict:
        response = await client.post("/api/v1/auth/login",
                                     json={"email": user.email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()

    return _login


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
