"""Two-step sign-in through the API: enrol while signed in, then log in with a code."""

from odcp.services import mfa
from tests.api.conftest import bearer
from tests.conftest import PASSWORD


async def test_enrol_then_login_needs_the_code(client, personas, login):
    tokens = await login(personas.patient_a)
    headers = bearer(tokens["access_token"])
    status = (await client.get("/api/v1/auth/mfa", headers=headers)).json()
    assert status == {"enabled": False, "required": False, "recovery_codes_left": 0}
    enrol = (await client.post("/api/v1/auth/mfa/enrol", headers=headers)).json()
    bad = await client.post("/api/v1/auth/mfa/confirm", headers=headers, json={"code": "1"})
    assert bad.status_code == 422 and "code is not right" in bad.json()["error"]["message"]
    code = mfa.totp(enrol["secret"], step=mfa.current_step())
    confirmed = await client.post("/api/v1/auth/mfa/confirm", headers=headers,
                                  json={"code": code})
    assert confirmed.status_code == 200 and len(confirmed.json()["recovery_codes"]) == 10

    first = await client.post("/api/v1/auth/login",
                              json={"email": personas.patient_a.email, "password": PASSWORD})
    body = first.json()
    assert first.status_code == 200 and body["mfa_required"] and "access_token" not in body
    wrong = await client.post("/api/v1/auth/login/mfa",
                              json={"mfa_token": body["mfa_token"], "code": "000000"})
    assert wrong.status_code == 422
    next_code = mfa.totp(enrol["secret"], step=mfa.current_step() + 1)
    done = await client.post("/api/v1/auth/login/mfa",
                             json={"mfa_token": body["mfa_token"], "code": next_code})
    assert done.status_code == 200 and done.json()["access_token"]


async def test_forged_challenge_is_refused(client, personas):
    response = await client.post("/api/v1/auth/login/mfa",
                                 json={"mfa_token": "eyJhbGciOiJub25lIn0.e30.", "code": "1"})
    assert response.status_code == 401


async def test_mfa_endpoints_need_a_token(client, engine):
    assert (await client.post("/api/v1/auth/mfa/enrol")).status_code == 401
