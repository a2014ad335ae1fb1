"""GET/PATCH /api/v1/account: one's own details, validated, audited."""

from tests.api.conftest import bearer


async def test_profile_round_trip_and_validation(client, personas, login):
    tokens = await login(personas.patient_a)
    headers = bearer(tokens["access_token"])
    got = await client.get("/api/v1/account", headers=headers)
    assert got.status_code == 200 and got.json()["email"] == personas.patient_a.email
    assert "password_hash" not in got.text
    bad = await client.patch("/api/v1/account", headers=headers, json={
        "full_name": "Alice A", "phone": "call me", "timezone": "Europe/Paris",
        "language": "fr"})
    assert bad.status_code == 422 and "international form" in bad.json()["error"]["message"]
    ok = await client.patch("/api/v1/account", headers=headers, json={
        "full_name": "Alice A", "phone": "+1 212 555 0100", "timezone": "Europe/Paris",
        "language": "fr"})
    assert ok.status_code == 200
    assert ok.json()["phone"] == "+12125550100" and ok.json()["timezone"] == "Europe/Paris"


async def test_profile_needs_a_token(client, engine):
    assert (await client.get("/api/v1/account")).status_code == 401
