"""GET /api/v1/doctors and /api/v1/doctors/{id}: the search page's rules, as JSON."""

from __future__ import annotations

import pytest

from odcp.models.doctor import VerificationStatus
from odcp.models.user import AccountStatus
from tests.services.search_fixtures import add_doctor, build_clinic


@pytest.fixture
def clinic(session):
    return build_clinic(session)


def _last_names(body: dict) -> list[str]:
    return [r["name"].split()[-1].lower() for r in body["results"]]


async def test_search_without_signing_in_lists_doctors_paged(client, clinic):
    response = await client.get("/api/v1/doctors", params={"page_size": 4})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["page"], body["page_size"], body["pages"]) == (6, 1, 4, 2)
    assert _last_names(body) == ["meyer", "okafor", "chen", "haddad"]
    second = (await client.get("/api/v1/doctors", params={"page_size": 4, "page": 2})).json()
    assert _last_names(second) == ["raman", "rossi"]


async def test_text_and_filters_as_on_the_page(client, clinic):
    body = (await client.get("/api/v1/doctors", params={"q": "okafor"})).json()
    assert _last_names(body) == ["okafor", "haddad"]  # the name outranks a bio mention
    body = (await client.get("/api/v1/doctors", params={
        "q": "cardi", "specialty": "cardiology", "language": "en", "mode": "audio",
        "fee_max": 90, "min_experience": 10, "min_rating": 4, "sort": "fee_low"})).json()
    assert _last_names(body) == ["okafor", "haddad"]
    card = body["results"][0]
    assert card["fee_display"] == "USD 30.00" and card["fee_cents"] == 3000  # audio fee
    assert card["languages"] == ["English", "French"] and card["initials"] == "AO"
    assert set(card) == {"doctor_id", "name", "initials", "specialty", "languages", "modes",
                         "fee_cents", "currency", "fee_display", "years_experience",
                         "rating_avg", "rating_count", "has_photo", "summary",
                         "next_slot_at"}


@pytest.mark.parametrize(("params", "field"), [
    ({"language": "klingon"}, "language"), ({"sort": "price"}, "sort"),
    ({"fee_min": 80, "fee_max": 20}, "fee_min"), ({"page_size": 500}, "page_size"),
    ({"specialty": "no-such"}, "specialty"), ({"q": "x" * 300}, "q"),
])
async def test_bad_parameters_answer_422_with_a_message(client, clinic, params, field):
    response = await client.get("/api/v1/doctors", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == field and error["message"]


async def test_wrongly_typed_parameter_is_422(client, clinic):
    response = await client.get("/api/v1/doctors", params={"fee_min": "cheap"})
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "fee_min"


@pytest.mark.parametrize("text", ['"a" OR *', "NEAR(", "'", "\\", "a:* & !b"])
async def test_hostile_text_is_not_an_error(client, clinic, text):
    response = await client.get("/api/v1/doctors", params={"q": text})
    assert response.status_code == 200


async def test_doctor_page_json_has_profile_and_no_private_fields(client, clinic):
    response = await client.get(f"/api/v1/doctors/{clinic.id('okafor')}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Dr. Amara Okafor" and body["other_specialties"] == ["Cardiology"]
    assert [f["fee_display"] for f in body["fees"]] == ["USD 40.00", "USD 30.00", "USD 20.00"]
    assert body["registration_number"] == "REG-123"
    text = response.text
    for private in ("@search.example", "+1555", "secret.pdf", "licence_document", "email"):
        assert private not in text


async def test_unlisted_or_unknown_doctor_is_404(client, session, clinic):
    suspended = add_doctor(session, "Dr. Gone Away", clinic.general,
                           account=AccountStatus.SUSPENDED)
    pending = add_doctor(session, "Dr. Not Yet", clinic.general,
                         status=VerificationStatus.SUBMITTED)
    session.commit()
    for doctor_id in (suspended.id, pending.id, 999_999, 2**40):
        response = await client.get(f"/api/v1/doctors/{doctor_id}")
        assert response.status_code == 404, doctor_id
        assert response.json()["error"]["message"].startswith("We could not find")
    body = (await client.get("/api/v1/doctors", params={"page_size": 50})).json()
    assert body["total"] == 6
    assert (await client.get("/api/v1/doctors/abc")).status_code == 422
