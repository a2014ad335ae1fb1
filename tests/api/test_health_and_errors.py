"""Health, OpenAPI docs, and the promise that every error is a JSON body, never HTML
or a stack trace."""

from __future__ import annotations

import pytest

from odcp.services import migrations


def _assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in response.text
    return error


async def test_health_reports_database_ok_at_head_revision(client):
    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["revision"] == migrations.head_revision() == body["head"]
    assert body["revision"]


async def test_health_is_degraded_when_schema_is_behind(client, engine):
    migrations.downgrade(engine, "base")
    try:
        response = await client.get("/api/v1/health")
    finally:
        migrations.upgrade(engine)
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["revision"] is None


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_unknown_api_path_is_a_json_404(client, method):
    response = await client.request(method, "/api/v1/whatever")
    error = _assert_json_error(response, 404)
    assert "<html" not in response.text.lower()
    assert error["message"] == "No such endpoint."


async def test_unknown_api_path_outside_v1_is_a_json_404(client):
    _assert_json_error(await client.get("/api/nothing/here"), 404)


async def test_malformed_json_body_is_a_422_with_problems(client):
    response = await client.post("/api/v1/auth/login", content=b"{not json",
                                 headers={"Content-Type": "application/json"})
    error = _assert_json_error(response, 422)
    assert error["message"] == "The request is not valid."
    assert isinstance(error["problems"], list) and error["problems"]


async def test_missing_field_names_the_field(client):
    response = await client.post("/api/v1/auth/login", json={"email": "a@b.example"})
    error = _assert_json_error(response, 422)
    assert {"field": "password", "message": "Field required"} in error["problems"]


async def test_wrong_method_is_json_not_html(client):
    # The catch-all for unknown API paths answers before FastAPI's 405; either is fine,
    # as long as it is the JSON error shape.
    response = await client.get("/api/v1/auth/login")
    assert response.status_code in (404, 405)
    _assert_json_error(response, response.status_code)
    assert "<html" not in response.text.lower()


async def test_me_without_token_is_401_json_with_www_authenticate(client):
    response = await client.get("/api/v1/auth/me")
    error = _assert_json_error(response, 401)
    assert "Bearer" in error["message"]
    assert response.headers["www-authenticate"] == "Bearer"


async def test_me_with_other_scheme_is_401(client):
    response = await client.get("/api/v1/auth/me", headers={"Authorization": "Basic dXNlcg=="})
    _assert_json_error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_unexpected_error_is_a_json_500_without_traceback(client, engine, monkeypatch):
    from odcp.services import auth

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals: Traceback-ish details")

    monkeypatch.setattr(auth, "check_credentials", explode)
    response = await client.post("/api/v1/auth/login",
                                 json={"email": "a@b.example", "password": "whatever1"})
    error = _assert_json_error(response, 500)
    assert "secret internals" not in response.text
    assert "RuntimeError" not in response.text
    assert error["message"] == "Something went wrong on our side; it has been logged."


async def test_openapi_lists_the_v1_routes(client):
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/health" in paths
    assert {"/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/me",
            "/api/v1/audit"} <= set(paths)
    # The browser hand-off and the catch-all are not part of the public contract.
    assert not any(p.startswith("/api/v1/auth/browser") for p in paths)
    assert "/api/{path}" not in paths


async def test_docs_page_is_html(client):
    response = await client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/api/openapi.json" in response.text
