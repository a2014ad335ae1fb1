"""Doctor search: ranking, prefix typing, every filter, sorting, paging, the listing rule
and hostile input, on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from odcp.models.doctor import DoctorSearchDocument, Specialty, VerificationStatus
from odcp.models.user import AccountStatus, Role
from odcp.services import directory
from odcp.services.errors import Invalid, NotFound
from odcp.services.search import DoctorQuery, get_public_doctor, search_doctors
from tests.services.search_fixtures import add_doctor, add_specialty, build_clinic


@pytest.fixture
def clinic(session):
    return build_clinic(session)


def names(session, **query) -> list[str]:
    page = search_doctors(session, query=DoctorQuery(**query))
    return [r.name.replace("Dr. ", "").split()[-1].lower() for r in page.results]


def test_a_name_match_outranks_a_bio_mention(session, clinic):
    # Haddad's bio says he trained under Dr. Okafor; Okafor is the one asked for.
    assert names(session, text="okafor") == ["okafor", "haddad"]


def test_conditions_outrank_bio(session, clinic):
    assert names(session, text="eczema") == ["raman", "rossi"]


@pytest.mark.parametrize("typed", ["c", "ca", "car", "card", "cardi", "cardio", "CARDIO"])
def test_results_follow_typing_by_prefix(session, clinic, typed):
    found = set(names(session, text=typed))
    assert {"meyer", "haddad", "okafor"} <= found  # okafor: cardiology is her other specialty


def test_every_word_must_match_and_only_the_last_is_a_prefix(session, clinic):
    assert set(names(session, text="chest pai")) == {"meyer", "haddad"}
    assert names(session, text="heart fail") == ["meyer"]
    assert names(session, text="pai chest") == []  # "pai" is a whole word when not last


def test_text_searches_name_specialty_conditions_and_bio(session, clinic):
    assert names(session, text="Priya") == ["raman"]
    assert set(names(session, text="dermatology")) == {"raman", "rossi"}
    assert names(session, text="psoriasis") == ["raman"]
    assert names(session, text="rhythm") == ["meyer"]


def test_no_text_lists_everyone_best_rated_first(session, clinic):
    assert names(session) == ["meyer", "okafor", "chen", "haddad", "raman", "rossi"]


@pytest.mark.parametrize(("query", "expected"), [
    ({"specialty": "cardiology"}, {"meyer", "haddad", "okafor"}),  # primary or other
    ({"specialty": "dermatology"}, {"raman", "rossi"}),
    ({"language": "de"}, {"meyer"}),
    ({"language": "fr"}, {"okafor"}),
    ({"language": "en"}, {"meyer", "haddad", "okafor", "raman", "rossi", "chen"}),
    ({"fee_min": 60}, {"meyer", "haddad", "rossi"}),
    ({"fee_max": 35}, {"okafor", "raman", "chen"}),  # Okafor's lowest fee is 20
    ({"fee_min": 35, "fee_max": 60}, {"rossi", "chen"}),
    ({"min_experience": 12}, {"meyer", "haddad", "okafor"}),
    ({"min_rating": 4.5}, {"meyer", "okafor", "chen"}),
    ({"mode": "audio"}, {"haddad", "okafor", "rossi"}),
    ({"mode": "chat"}, {"okafor", "raman", "chen"}),
    # with a mode, the fee is that mode's fee: Okafor's chat costs 20, video 40
    ({"mode": "chat", "fee_max": 25}, {"okafor"}),
    ({"mode": "video", "fee_max": 35}, {"raman"}),
])
def test_each_filter_alone(session, clinic, query, expected):
    assert set(names(session, **query)) == expected


def test_filters_combine_with_each_other_and_with_text(session, clinic):
    assert set(names(session, specialty="cardiology", language="en", mode="audio",
                     fee_max=90)) == {"haddad", "okafor"}
    assert names(session, specialty="cardiology", mode="audio", min_rating=4.3) == ["okafor"]
    assert names(session, text="cardi", language="fr") == ["okafor"]
    assert names(session, text="chest", min_experience=15) == ["meyer"]
    assert names(session, text="eczema", mode="chat") == ["raman"]


def test_sorting(session, clinic):
    assert names(session, sort="rating") == ["meyer", "okafor", "chen", "haddad", "raman",
                                             "rossi"]
    assert names(session, sort="fee_low") == ["okafor", "raman", "chen", "rossi", "haddad",
                                              "meyer"]
    assert names(session, sort="fee_high") == ["meyer", "haddad", "rossi", "chen", "raman",
                                               "okafor"]
    assert names(session, sort="fee_low", mode="video") == ["raman", "okafor", "haddad",
                                                           "meyer"]
    assert names(session, sort="fee_low", mode="chat") == ["okafor", "raman", "chen"]
    assert names(session, text="cardiology", sort="fee_low") == ["okafor", "haddad", "meyer"]


def test_paging_covers_everyone_once(session, clinic):
    seen = []
    first = search_doctors(session, query=DoctorQuery(page=1, page_size=2))
    assert first.pages == 3 and len(first.results) == 2
    for number in (1, 2, 3):
        page = search_doctors(session, query=DoctorQuery(page=number, page_size=2))
        assert page.total == 6
        seen += [r.doctor_id for r in page.results]
    assert len(seen) == len(set(seen)) == 6
    by_rating = names(session, sort="rating")
    assert names(session, sort="rating", page=2, page_size=4) == by_rating[4:]
    past_end = search_doctors(session, query=DoctorQuery(page=9, page_size=2))
    assert past_end.results == [] and past_end.total == 6


def test_cards_carry_what_a_card_shows(session, clinic):
    okafor = search_doctors(session, query=DoctorQuery(text="okafor")).results[0]
    assert okafor.name == "Dr. Amara Okafor" and okafor.initials == "AO"
    assert okafor.specialty == "General Practice"
    assert okafor.languages == ["English", "French"]
    assert okafor.modes == ["Video", "Audio", "Chat"]
    assert (okafor.fee_cents, okafor.fee_display) == (2000, "from USD 20.00")
    assert (okafor.years_experience, okafor.rating_avg, okafor.rating_count) == (12, 4.5, 30)
    assert okafor.has_photo is False
    chat = search_doctors(session, query=DoctorQuery(text="okafor", mode="chat")).results[0]
    assert chat.fee_display == "USD 20.00"


@pytest.mark.parametrize("change", [
    {"status": VerificationStatus.SUBMITTED}, {"status": VerificationStatus.DRAFT},
    {"status": VerificationStatus.REJECTED}, {"account": AccountStatus.SUSPENDED},
    {"account": AccountStatus.PENDING}, {"account": AccountStatus.REMOVED},
    {"role": Role.PATIENT}, {"inactive_specialty": True},
])
def test_unlisted_doctors_never_appear(session, clinic, change):
    specialty, change = clinic.cardiology, dict(change)
    if change.pop("inactive_specialty", False):
        specialty = add_specialty(session, "Old Cardiology", active=False)
    hidden = add_doctor(session, "Dr. Zed Hidden", specialty, languages=("de",),
                        conditions="chest pain", **change)
    session.commit()
    assert names(session, text="zed") == []
    assert "hidden" not in names(session, text="chest")
    assert "hidden" not in names(session, language="de", page_size=50)
    assert "hidden" not in names(session, specialty="cardiology")
    assert not directory.is_listed(session, doctor_id=hidden.id)
    with pytest.raises(NotFound):
        get_public_doctor(session, doctor_id=hidden.id)


@pytest.mark.parametrize("hostile", [
    '"a" OR *', "NEAR(", "'", "\\", "*", '"', "(", ")", "-", "^", ":", "a:*", "cardio:*",
    "a & b | !c", "meyer AND", "OR", "NOT meyer", "name:meyer", "' OR 1=1 --", "%", "_",
    "\x00", "Ünïcödé 医生", "🙂", "a" * 200, "NEAR(meyer haddad, 2)", "{name}: meyer",
    "meyer\\", "''", "\\'",
])
def test_hostile_text_never_errors(session, clinic, hostile):
    page = search_doctors(session, query=DoctorQuery(text=hostile))
    assert isinstance(page.results, list) and page.total == len(page.results)


@pytest.mark.parametrize("typed", ['"meyer"', "meyer*", "Meyer!", "(meyer)", "lucas-meyer"])
def test_punctuation_around_words_is_ignored(session, clinic, typed):
    assert names(session, text=typed) == ["meyer"]


@pytest.mark.parametrize(("query", "field"), [
    ({"text": "x" * 201}, "q"), ({"language": "xx"}, "language"), ({"mode": "fax"}, "mode"),
    ({"sort": "name"}, "sort"), ({"fee_min": -1}, "fee_min"), ({"fee_max": 10**9}, "fee_max"),
    ({"fee_min": 50, "fee_max": 10}, "fee_min"), ({"min_experience": -2}, "min_experience"),
    ({"min_rating": 6}, "min_rating"), ({"page": 0}, "page"), ({"page_size": 0}, "page_size"),
    ({"page_size": 51}, "page_size"), ({"specialty": "astrology"}, "specialty"),
    ({"available_within": -1}, "available_within"),
    ({"available_within": 366}, "available_within"),
    ({"timezone": "Mars/Olympus"}, "timezone"), ({"timezone": "../etc"}, "timezone"),
])
def test_invalid_queries_say_what_is_wrong(session, clinic, query, field):
    with pytest.raises(Invalid) as caught:
        search_doctors(session, query=DoctorQuery(**query))
    assert caught.value.field == field and caught.value.message


def test_a_merged_specialty_link_keeps_working(session, clinic):
    old = Specialty(name="Heart", slug="heart", active=False,
                    merged_into_id=clinic.cardiology.id)
    session.add(old)
    session.commit()
    assert set(names(session, specialty="heart")) == {"meyer", "haddad", "okafor"}


def test_public_doctor_page_shows_profile_not_private_fields(session, clinic):
    doctor = get_public_doctor(session, doctor_id=clinic.id("okafor"))
    assert doctor.name == "Dr. Amara Okafor" and doctor.specialty == "General Practice"
    assert doctor.other_specialties == ["Cardiology"]
    assert doctor.languages == ["English", "French"]
    assert [(f.label, f.fee_display) for f in doctor.fees] == [
        ("Video", "USD 40.00"), ("Audio", "USD 30.00"), ("Chat", "USD 20.00")]
    assert doctor.conditions == ["Cold", "Flu", "Diabetes check-up"]
    assert (doctor.rating_avg, doctor.rating_count, doctor.years_experience) == (4.5, 30, 12)
    assert doctor.registration_number == "REG-123" and doctor.timezone == "Europe/London"
    shown = str(asdict(doctor))
    for private in ("@search.example", "+1555", "secret.pdf", "licences/"):
        assert private not in shown


@pytest.mark.parametrize("doctor_id", [0, -1, 999_999, 2**31, 10**20])
def test_public_page_of_unknown_doctor_is_not_found(session, clinic, doctor_id):
    with pytest.raises(NotFound):
        get_public_doctor(session, doctor_id=doctor_id)


def test_directory_and_search_list_the_same_doctors(session, clinic):
    add_doctor(session, "Dr. Not Yet", clinic.general, status=VerificationStatus.SUBMITTED)
    session.commit()
    listed = {c.doctor_id for c in directory.listed_doctors(session)}
    found = {r.doctor_id for r in search_doctors(session, query=DoctorQuery(
        page_size=50)).results}
    assert listed == found == {d.id for d in clinic.doctors.values()}


# --- availability: the stored first free slot, "available within N days", "soonest" --

NOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # 16:00 in New York, 21:00 in Berlin
FREE = {  # what next_slot would have stored; rossi has no free time
    "meyer": datetime(2026, 3, 11, 3, 0, tzinfo=UTC),  # 23:00 NY on the 10th, 04:00 Berlin
    "haddad": datetime(2026, 3, 10, 22, 0, tzinfo=UTC),
    "okafor": datetime(2026, 3, 13, 9, 0, tzinfo=UTC),
    "raman": datetime(2026, 3, 24, 12, 0, tzinfo=UTC),
    "chen": datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
}


@pytest.fixture
def free_slots(session, clinic):
    for key, at in FREE.items():
        session.exec(update(DoctorSearchDocument)
                     .where(DoctorSearchDocument.doctor_id == clinic.id(key))
                     .values(next_slot_at=at))
    session.commit()
    return clinic


def available(session, days: int, zone: str = "UTC", **query) -> set[str]:
    page = search_doctors(session, query=DoctorQuery(available_within=days, timezone=zone,
                                                     page_size=50, **query), now=NOW)
    return {r.name.split()[-1].lower() for r in page.results}


def test_available_today_ends_at_the_viewers_midnight(session, free_slots):
    assert available(session, 0, "America/New_York") == {"haddad", "meyer"}
    assert available(session, 0, "Europe/Berlin") == {"haddad"}  # meyer: 04:00 tomorrow
    assert available(session, 0, "Europe/Moscow") == set()  # 23:00 there: an hour left
    assert available(session, 0, "Asia/Tokyo") == {"haddad", "meyer"}  # the 11th, 05:00


def test_available_within_days(session, free_slots):
    assert available(session, 3) == {"haddad", "meyer", "okafor"}  # to the end of the 13th
    assert available(session, 3, "America/Los_Angeles") == {"haddad", "meyer", "okafor"}
    assert available(session, 7) == {"haddad", "meyer", "okafor", "chen"}
    assert available(session, 14) == set(FREE)  # never rossi, with no free time
    assert available(session, 14, text="dermatology") == {"raman"}
    assert available(session, 3, mode="chat") == {"okafor"}


def test_soonest_sorts_by_first_free_slot_with_none_last(session, free_slots):
    assert names(session, sort="soonest") == ["haddad", "meyer", "okafor", "chen", "raman",
                                              "rossi"]
    assert names(session, sort="soonest", text="derma") == ["raman", "rossi"]
    assert names(session, sort="soonest", page=2, page_size=4) == ["raman", "rossi"]


def test_cards_and_the_doctor_page_carry_the_next_slot(session, free_slots):
    found = search_doctors(session, query=DoctorQuery(text="meyer")).results
    assert [r.next_slot_at for r in found] == [FREE["meyer"]]
    assert get_public_doctor(session, doctor_id=free_slots.id("meyer")).next_slot_at == \
        FREE["meyer"]
    assert get_public_doctor(session, doctor_id=free_slots.id("rossi")).next_slot_at is None
    assert search_doctors(session, query=DoctorQuery()).availability_days == 60
