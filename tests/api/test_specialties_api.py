"""/api/v1/specialties (public) and /api/v1/admin/specialties: who may do what, per
persona, and what patients see after each change."""

from __future__ import annotations

import pytest

from odcp.models.doctor import DoctorProfile, DoctorSpecialty
from tests.api.conftest import bearer
from tests.doctor_helpers import make_specialties

PUBLIC = "/api/v1/specialties"
ADMIN = "/api/v1/admin/specialties"


@pytest.fixture
def specs(session):
    found = make_specialties(session, "Cardiology", "Dermatology", "Skin care")
    session.commit()
    return found


async def _headers(login, user) -> dict[str, str]:
    return bearer((await login(user))["access_token"])


def _routes(spec_id: int, other_id: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", ADMIN, None),
        ("POST", ADMIN, {"name": "Oncology"}),
        ("PATCH", f"{ADMIN}/{spec_id}", {"name": "Heart"}),
        ("POST", f"{ADMIN}/{spec_id}/deactivate", None),
        ("POST", f"{ADMIN}/{spec_id}/reactivate", None),
        ("POST", f"{ADMIN}/{spec_id}/merge", {"into_id": other_id}),
    ]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("patient_a", 403),
                                             ("doctor_b", 403)])
async def test_only_admins_manage_specialties(client, login, personas, specs, who, status):
    headers = {} if who == "anonymous" else await _headers(login, getattr(personas, who))
    for method, url, body in _routes(specs["Cardiology"].id, specs["Dermatology"].id):
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == status, (who, method, url, response.text)
    public = await client.get(PUBLIC, headers=headers)
    assert public.status_code == 200
    assert [s["name"] for s in public.json()] == ["Cardiology", "Dermatology", "Skin care"]


async def test_admin_creates_renames_deactivates_and_merges(client, login, session, personas,
                                                           specs):
    admin = await _headers(login, personas.admin)
    created = await client.post(ADMIN, headers=admin,
                                json={"name": "Oncology", "description": "Cancer care"})
    assert created.status_code == 201 and created.json()["slug"] == "oncology"
    duplicate = await client.post(ADMIN, headers=admin, json={"name": "oncology"})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["field"] == "name"
    onc = created.json()["id"]

    renamed = await client.patch(f"{ADMIN}/{onc}", headers=admin,
                                 json={"name": "Medical oncology"})
    assert renamed.json()["slug"] == "medical-oncology"
    assert renamed.json()["description"] == "Cancer care"  # untouched when not sent

    off = await client.post(f"{ADMIN}/{onc}/deactivate", headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False
    assert "Medical oncology" not in [s["name"] for s in (await client.get(PUBLIC)).json()]

    profile = DoctorProfile(user_id=personas.doctor_b.id, specialty_id=specs["Skin care"].id,
                            verification_status="verified")
    session.add(profile)
    session.flush()
    session.add(DoctorSpecialty(doctor_id=profile.id, specialty_id=specs["Dermatology"].id))
    session.commit()
    busy = await client.post(f"{ADMIN}/{specs['Skin care'].id}/deactivate", headers=admin)
    assert busy.status_code == 409 and "merge" in busy.json()["error"]["message"]
    merged = await client.post(f"{ADMIN}/{specs['Skin care'].id}/merge", headers=admin,
                               json={"into_id": specs["Dermatology"].id})
    assert merged.status_code == 200 and merged.json()["name"] == "Dermatology"
    rows = {r["name"]: r for r in (await client.get(ADMIN, headers=admin)).json()}
    assert rows["Skin care"]["active"] is False
    assert rows["Skin care"]["merged_into_id"] == specs["Dermatology"].id
    assert (rows["Dermatology"]["primary_doctors"], rows["Dermatology"]["other_doctors"]) == \
        (1, 0)
    assert [s["name"] for s in (await client.get(PUBLIC)).json()] == ["Cardiology",
                                                                     "Dermatology"]
    into_inactive = await client.post(f"{ADMIN}/{specs['Cardiology'].id}/merge",
                                      headers=admin, json={"into_id": onc})
    assert into_inactive.status_code == 409
    missing = await client.patch(f"{ADMIN}/9999", headers=admin, json={"name": "Nope"})
    assert missing.status_code == 404
