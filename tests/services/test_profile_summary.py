"""The clinician's at-a-glance summary of a medical profile."""

from datetime import date

from odcp.services.medical_profile import validate
from odcp.services.profile_summary import NONE_RECORDED, summary


def _lines(data: dict) -> dict[str, tuple[str, bool]]:
    return {line.topic: (line.text, line.warn)
            for line in summary(validate(data), today=date(2026, 12, 7))}


def test_every_topic_is_listed_with_allergies_first_and_flagged():
    lines = _lines({
        "date_of_birth": "1980-12-08", "sex": "female", "blood_group": "O-",
        "allergies": [{"substance": "Penicillin", "severity": "severe", "reaction": "hives"}],
        "medications": [{"name": "Metformin", "dose": "500 mg", "frequency": "twice daily"}],
        "chronic_conditions": ["Type 2 diabetes"],
        "surgeries": [{"procedure": "Appendectomy", "year": 2001}],
        "lifestyle": {"smoking": "never"}, "family_history": "Father: stroke at 60"})
    assert next(iter(lines)) == "Allergies"
    assert lines["Allergies"] == ("Penicillin (severe: hives)", True)
    assert lines["Current medications"][0] == "Metformin 500 mg twice daily"
    assert lines["Past surgery"][0] == "Appendectomy (2001)"
    assert lines["About"][0] == "Born 08 Dec 1980 (age 45); sex: female; blood group O-"
    assert lines["Lifestyle"][0] == "Smoking: never"


def test_an_empty_profile_says_none_recorded_not_nothing():
    lines = _lines({})
    assert len(lines) == 7
    assert all(text == NONE_RECORDED and not warn for text, warn in lines.values())
