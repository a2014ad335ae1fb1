"""Two-step sign-in: RFC 6238 codes, enrolment, replay refusal, recovery codes, policy."""

from dataclasses import replace

import pytest

from odcp.models import User
from odcp.services import mfa, sign_in
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Forbidden, Invalid, TooManyAttempts
from odcp.settings import get_settings
from tests.conftest import PASSWORD

ANON = Actor(ip="127.0.0.7", user_agent="pytest")
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"


@pytest.mark.parametrize(("unix_time", "code"), [(59, "287082"), (1111111109, "081804"),
                                                 (1234567890, "005924"), (2000000000, "279037")])
def test_totp_matches_rfc_6238_vectors(unix_time, code):
    assert mfa.totp(RFC_SECRET, step=mfa.current_step(unix_time)) == code


def _enrol(session, user) -> tuple[str, list[str]]:
    enrolment = mfa.begin_enrolment(session, user=user)
    code = mfa.totp(enrolment.secret, step=mfa.current_step())
    codes = mfa.confirm_enrolment(session, user=user, code=code, actor=ANON)
    session.commit()
    return enrolment.secret, codes


def test_enrolment_needs_a_valid_code_and_stores_the_secret_encrypted(session, personas):
    a = personas.patient_a
    enrolment = mfa.begin_enrolment(session, user=a)
    assert enrolment.qr_svg_data_uri.startswith("data:image/svg+xml")
    assert enrolment.secret in enrolment.uri
    with pytest.raises(Invalid):
        mfa.confirm_enrolment(session, user=a, code="000000", actor=ANON)
    stored = session.get(User, a.id).mfa_secret_enc
    assert enrolment.secret not in stored
    codes = mfa.confirm_enrolment(
        session, user=a, code=mfa.totp(enrolment.secret, step=mfa.current_step()), actor=ANON)
    assert len(codes) == 10 and len(set(codes)) == 10
    with pytest.raises(Conflict):
        mfa.begin_enrolment(session, user=a)


def test_sign_in_asks_for_the_code_and_refuses_a_replayed_one(session, personas):
    a = personas.patient_a
    secret, _ = _enrol(session, a)
    outcome = sign_in.begin(session, email=a.email, password=PASSWORD, actor=ANON, kind="api")
    assert outcome.issued is None and outcome.stage == "verify"
    session.commit()
    # a code from the next step (clock skew allowed) - then the same code again
    code = mfa.totp(secret, step=mfa.current_step() + 1)
    done = sign_in.finish(session, challenge=outcome.challenge, code=code, actor=ANON,
                          kind="api")
    assert done.issued is not None
    session.commit()
    with pytest.raises(Invalid):
        sign_in.finish(session, challenge=outcome.challenge, code=code, actor=ANON, kind="api")


def test_recovery_codes_work_once(session, personas):
    a = personas.patient_a
    _, codes = _enrol(session, a)
    challenge = sign_in.begin(session, email=a.email, password=PASSWORD, actor=ANON,
                              kind="api").challenge
    session.commit()
    assert sign_in.finish(session, challenge=challenge, code=codes[0].upper(), actor=ANON,
                          kind="api").issued
    session.commit()
    with pytest.raises(Invalid):
        sign_in.finish(session, challenge=challenge, code=codes[0], actor=ANON, kind="api")
    assert mfa.remaining_recovery_codes(session, user=a) == 9


def test_wrong_codes_are_throttled(session, personas):
    a = personas.patient_a
    _enrol(session, a)
    challenge = sign_in.begin(session, email=a.email, password=PASSWORD, actor=ANON,
                              kind="api").challenge
    session.commit()
    for _ in range(5):
        with pytest.raises(Invalid):
            sign_in.finish(session, challenge=challenge, code="123456", actor=ANON, kind="api")
    with pytest.raises(TooManyAttempts):
        sign_in.finish(session, challenge=challenge, code="123456", actor=ANON, kind="api")


def test_required_role_must_enrol_before_any_session(session, personas, monkeypatch):
    settings = replace(get_settings(), mfa_required_roles=frozenset({"admin", "doctor"}))
    monkeypatch.setattr("odcp.services.mfa.get_settings", lambda: settings)
    admin = personas.admin
    outcome = sign_in.begin(session, email=admin.email, password=PASSWORD, actor=ANON,
                            kind="api")
    assert outcome.issued is None and outcome.stage == "enrol"
    enrolment = sign_in.enrolment(session, challenge=outcome.challenge)
    session.commit()
    done = sign_in.finish(session, challenge=outcome.challenge, actor=ANON, kind="api",
                          code=mfa.totp(enrolment.secret, step=mfa.current_step()))
    assert done.issued is not None and len(done.recovery_codes) == 10
    session.commit()
    with pytest.raises(Forbidden, match="required for your role"):
        mfa.disable(session, actor=personas.actor(admin), code=done.recovery_codes[0])
    patient = sign_in.begin(session, email=personas.patient_c.email, password=PASSWORD,
                            actor=ANON, kind="api")
    assert patient.issued is not None


def test_patient_can_turn_it_off_with_a_code(session, personas):
    a = personas.patient_a
    secret, _ = _enrol(session, a)
    with pytest.raises(Invalid):
        mfa.disable(session, actor=personas.actor(a), code="000000")
    mfa.disable(session, actor=personas.actor(a),
                code=mfa.totp(secret, step=mfa.current_step() + 1))
    session.commit()
    assert sign_in.begin(session, email=a.email, password=PASSWORD, actor=ANON,
                         kind="api").issued is not None
