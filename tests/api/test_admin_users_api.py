"""/api/v1/admin/users: the same rules as the admin page, over HTTP; never a secret."""

from __future__ import annotations

import pytest
from sqlmodel import select

from odcp.models.notification import OutboxMessage
from odcp.models.user import AccountStatus, AdminSubrole, Role, User
from odcp.services.accounts import build_user
from tests.api.conftest import bearer

USERS = "/api/v1/admin/users"
SECRET_FIELDS = ("password_hash", "mfa_secret", "mfa_secret_enc", "$2b$")


def _routes(user_id: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("PATCH", f"{USERS}/{user_id}/role", {"role": "doctor"}),
        ("POST", f"{USERS}/{user_id}/suspend", {"reason": "Card fraud suspected"}),
        ("POST", f"{USERS}/{user_id}/reactivate", None),
        ("POST", f"{USERS}/{user_id}/remove", None),
        ("POST", f"{USERS}/{user_id}/force-password-reset", None),
    ]


async def _call(client, method: str, url: str, body: dict | None, headers=None):
    return await client.request(method, url, json=body, headers=headers or {})


@pytest.fixture
def sub_admin(session, password_hash):
    def make(subrole: AdminSubrole | None, role: Role = Role.ADMIN) -> User:
        name = f"{role.value} {subrole.value if subrole else 'full'}".replace("_", " ")
        user = build_user(session, email=f"{name.replace(' ', '.')}@test.example",
                          password="", full_name=name.title(), role=role,
                          status=AccountStatus.ACTIVE, password_hash=password_hash)
        user.admin_subrole = subrole
        session.commit()
        return user

    return make


async def _headers(login, user) -> dict[str, str]:
    return bearer((await login(user))["access_token"])


def _assert_no_secrets(text: str) -> None:
    for secret in SECRET_FIELDS:
        assert secret not in text


async def test_anonymous_gets_401_everywhere(client, personas):
    for method, url, body in [("GET", USERS, None), *_routes(personas.patient_c.id)]:
        response = await _call(client, method, url, body)
        assert response.status_code == 401, (method, url)
        assert response.json()["error"]["message"]


@pytest.mark.parametrize("who", ["patient_a", "doctor_b"])
async def test_patients_and_doctors_get_403_everywhere(client, personas, login, who):
    headers = await _headers(login, getattr(personas, who))
    for method, url, body in [("GET", USERS, None), *_routes(personas.patient_c.id)]:
        response = await _call(client, method, url, body, headers)
        assert response.status_code == 403, (method, url)
        assert response.json()["error"]["message"] == "Only clinic administrators may do this."
        assert "users" not in response.json()


@pytest.mark.parametrize(("subrole", "allowed"), [
    (AdminSubrole.APPOINTMENTS, set()),
    (AdminSubrole.FINANCE, set()),
    (AdminSubrole.SUPPORT, {"suspend", "remove", "force-password-reset"}),
])
async def test_sub_roles_get_only_their_share(client, personas, login, sub_admin, subrole,
                                              allowed):
    headers = await _headers(login, sub_admin(subrole))
    listed = await client.get(USERS, headers=headers)
    assert listed.status_code == 200  # every sub-role may look users up
    # One target per action, so an allowed action does not spoil the next one.
    targets = iter([personas.patient_c, personas.patient_a, None, personas.doctor_d,
                    personas.doctor_b])
    for (method, url, body), target in zip(_routes(0), targets, strict=True):
        if target is None:
            continue  # reactivate needs a suspended account: covered below
        url = url.replace("/0/", f"/{target.id}/")
        response = await _call(client, method, url, body, headers)
        expected = 200 if url.rsplit("/", 1)[1] in allowed else 403
        assert response.status_code == expected, (url, response.text)
        if expected == 403:
            assert subrole.value in response.json()["error"]["message"]


async def test_admin_lists_and_searches_without_secrets(client, personas, login):
    headers = await _headers(login, personas.admin)
    response = await client.get(USERS, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 5 and body["page"] == 1 and body["pages"] == 1
    assert set(body["users"][0]) == {"id", "email", "full_name", "role", "admin_subrole",
                                     "status", "timezone", "email_verified", "mfa_enabled",
                                     "created_at", "updated_at"}
    _assert_no_secrets(response.text)
    found = (await client.get(USERS, headers=headers,
                              params={"search": "PATIENT", "status": "active"})).json()
    assert [u["full_name"] for u in found["users"]] == ["Patient A", "Patient C"]
    doctors = (await client.get(USERS, headers=headers, params={"role": "doctor"})).json()
    assert {u["full_name"] for u in doctors["users"]} == {"Doctor B", "Doctor D"}
    paged = (await client.get(USERS, headers=headers, params={"page": 2,
                                                              "page_size": 2})).json()
    assert paged["pages"] == 3 and len(paged["users"]) == 2


@pytest.mark.parametrize("params", [{"role": "wizard"}, {"status": "asleep"}, {"page": 0},
                                    {"page_size": 101}, {"search": "x" * 101}])
async def test_bad_list_parameters_are_422(client, personas, login, params):
    response = await client.get(USERS, headers=await _headers(login, personas.admin),
                                params=params)
    assert response.status_code == 422
    assert response.json()["error"]["problems"]


async def test_unknown_user_is_404_on_every_action(client, personas, login):
    headers = await _headers(login, personas.admin)
    for method, url, body in _routes(987654):
        response = await _call(client, method, url, body, headers)
        assert response.status_code == 404, url
        assert response.json()["error"]["message"] == "No such user."


async def test_suspend_signs_the_user_out_and_reactivate_lets_them_back(client, personas,
                                                                        login):
    patient = await login(personas.patient_c)
    headers = await _headers(login, personas.admin)
    url = f"{USERS}/{personas.patient_c.id}"
    response = await client.post(f"{url}/suspend", headers=headers,
                                 json={"reason": "Card fraud suspected"})
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    _assert_no_secrets(response.text)
    me = await client.get("/api/v1/auth/me", headers=bearer(patient["access_token"]))
    assert me.status_code == 401
    refused = await client.post("/api/v1/auth/login", json={"email": personas.patient_c.email,
                                                            "password": "x" * 12})
    assert refused.status_code in (401, 403)

    again = await client.post(f"{url}/suspend", headers=headers, json={"reason": "Twice"})
    assert again.status_code == 409
    back = await client.post(f"{url}/reactivate", headers=headers)
    assert back.status_code == 200 and back.json()["status"] == "active"
    assert (await client.post(f"{url}/reactivate", headers=headers)).status_code == 409
    await login(personas.patient_c)  # asserts a 200


async def test_remove_then_every_status_change_is_409(client, personas, login):
    headers = await _headers(login, personas.admin)
    url = f"{USERS}/{personas.doctor_d.id}"
    response = await client.post(f"{url}/remove", headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "removed"
    for method, path, body in _routes(personas.doctor_d.id):
        response = await _call(client, method, path, body, headers)
        assert response.status_code == 409, path


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "ok"}, {"reason": "x" * 1001}])
async def test_suspend_without_a_proper_reason_is_422(client, personas, login, body):
    response = await client.post(f"{USERS}/{personas.patient_c.id}/suspend",
                                 headers=await _headers(login, personas.admin), json=body)
    assert response.status_code == 422


@pytest.mark.parametrize("body", [{"role": "wizard"}, {},
                                  {"role": "doctor", "admin_subrole": "finance"},
                                  {"role": "admin", "admin_subrole": "janitor"}])
async def test_bad_role_changes_are_422(client, personas, login, sub_admin, body):
    headers = await _headers(login, sub_admin(None, Role.SUPER_ADMIN))
    response = await client.patch(f"{USERS}/{personas.patient_c.id}/role", headers=headers,
                                  json=body)
    assert response.status_code == 422


async def test_role_changes_and_the_super_admin_rule(client, personas, login, sub_admin):
    admin = await _headers(login, personas.admin)
    url = f"{USERS}/{personas.patient_c.id}/role"
    made_doctor = await client.patch(url, headers=admin, json={"role": "doctor"})
    assert made_doctor.status_code == 200 and made_doctor.json()["role"] == "doctor"
    _assert_no_secrets(made_doctor.text)
    promote = await client.patch(url, headers=admin, json={"role": "admin"})
    assert promote.status_code == 403
    own = await client.patch(f"{USERS}/{personas.admin.id}/role", headers=admin,
                             json={"role": "patient"})
    assert own.status_code == 403 and "your own account" in own.json()["error"]["message"]

    boss = await _headers(login, sub_admin(None, Role.SUPER_ADMIN))
    promoted = await client.patch(url, headers=boss,
                                  json={"role": "admin", "admin_subrole": "support"})
    assert promoted.status_code == 200
    assert (promoted.json()["role"], promoted.json()["admin_subrole"]) == ("admin", "support")
    touch_admin = await client.post(f"{USERS}/{personas.patient_c.id}/suspend", headers=admin,
                                    json={"reason": "Testing the rule"})
    assert touch_admin.status_code == 403


async def test_force_password_reset_mails_a_link_after_commit(client, personas, login,
                                                              session):
    target = await login(personas.doctor_b)
    headers = await _headers(login, personas.admin)
    response = await client.post(f"{USERS}/{personas.doctor_b.id}/force-password-reset",
                                 headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["mail_queued"] == 1
    _assert_no_secrets(response.text)
    me = await client.get("/api/v1/auth/me", headers=bearer(target["access_token"]))
    assert me.status_code == 401
    refused = await client.post("/api/v1/auth/login", json={
        "email": personas.doctor_b.email, "password": "correct horse battery staple"})
    assert refused.status_code == 401
    [mail] = session.exec(select(OutboxMessage).where(
        OutboxMessage.to_address == personas.doctor_b.email)).all()
    assert mail.kind == "password_reset" and mail.status == "stored"  # delivered (no SMTP)
