"""Registration, email verification, reset and change; throttling; common passwords."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from odcp.models import AccountStatus, ActionToken, AuthSession, OutboxMessage, User
from odcp.services import accounts, auth, passwords_flow
from odcp.services.actor import Actor
from odcp.services.errors import Forbidden, Invalid, NotAuthenticated, TooManyAttempts
from tests.conftest import PASSWORD

ANON = Actor(ip="127.0.0.9", user_agent="pytest")


def _link_token(session, to: str) -> str:
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == to)
                        .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"token=([\w-]+)", mail.text_body).group(1)


def test_new_patient_is_pending_until_the_emailed_link_is_used(session):
    user = accounts.register_patient(session, actor=ANON, email="New@Test.example",
                                     password="a long passphrase", full_name="New Person")
    passwords_flow.send_verification(session, user=user)
    session.commit()
    assert user.status == AccountStatus.PENDING and user.email == "new@test.example"
    with pytest.raises(Forbidden, match="confirm your email"):
        auth.check_credentials(session, email="new@test.example", password="a long passphrase",
                               actor=ANON)
    token = _link_token(session, "new@test.example")
    passwords_flow.verify_email(session, token=token, actor=ANON)
    session.commit()
    assert session.get(User, user.id).status == AccountStatus.ACTIVE
    with pytest.raises(Invalid, match="expired or was already used"):
        passwords_flow.verify_email(session, token=token, actor=ANON)


def test_expired_verification_link_is_refused_and_can_be_resent(session):
    user = accounts.register_patient(session, actor=ANON, email="late@test.example",
                                     password="a long passphrase", full_name="Late Person")
    passwords_flow.send_verification(session, user=user)
    session.commit()
    old = _link_token(session, "late@test.example")
    row = session.exec(select(ActionToken)).one()
    row.expires_at -= timedelta(days=3)
    session.commit()
    with pytest.raises(Invalid):
        passwords_flow.verify_email(session, token=old, actor=ANON)
    assert passwords_flow.resend_verification(session, email="late@test.example", actor=ANON)
    session.commit()
    passwords_flow.verify_email(session, token=_link_token(session, "late@test.example"),
                                actor=ANON)


def test_resend_and_reset_do_not_reveal_unknown_accounts(session):
    assert passwords_flow.resend_verification(session, email="nobody@x.example", actor=ANON) == []
    assert passwords_flow.request_reset(session, email="nobody@x.example", actor=ANON) == []


def test_reset_link_works_once_and_signs_out_everywhere(session, personas):
    a = personas.patient_a
    issued = auth.start_session(session, user=a, actor=ANON, kind="api")
    passwords_flow.request_reset(session, email=a.email, actor=ANON)
    session.commit()
    token = _link_token(session, a.email)
    passwords_flow.reset_password(session, token=token, password="brand new passphrase",
                                  actor=ANON)
    session.commit()
    assert session.get(AuthSession, issued.session.id).revoked_at is not None
    with pytest.raises(Invalid):
        passwords_flow.reset_password(session, token=token, password="another passphrase",
                                      actor=ANON)
    assert auth.check_credentials(session, email=a.email, password="brand new passphrase",
                                  actor=ANON).id == a.id


def test_change_password_needs_the_current_one(session, personas):
    a = personas.patient_a
    actor = personas.actor(a)
    with pytest.raises(Invalid, match="current password"):
        passwords_flow.change_password(session, actor=actor, current="wrong one!",
                                       new="fresh passphrase")
    passwords_flow.change_password(session, actor=actor, current=PASSWORD,
                                   new="fresh passphrase")
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.check_credentials(session, email=a.email, password=PASSWORD, actor=ANON)


@pytest.mark.parametrize("password", ["password1", "Qwerty123", "short", "x" * 129])
def test_weak_or_out_of_range_passwords_are_refused(session, password):
    with pytest.raises(Invalid):
        accounts.register_patient(session, actor=ANON, email="w@test.example",
                                  password=password, full_name="Weak Person")


def test_long_unicode_passwords_count_every_character(session, personas):
    long_pw = "ß" * 60 + "end"  # 123 bytes in UTF-8: past bcrypt's 72
    user = accounts.register_patient(session, actor=ANON, email="u@test.example",
                                     password=long_pw, full_name="Uni Code")
    user.status = AccountStatus.ACTIVE
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.check_credentials(session, email="u@test.example", password="ß" * 60 + "END",
                               actor=ANON)
    assert auth.check_credentials(session, email="u@test.example", password=long_pw,
                                  actor=ANON).id == user.id


def test_five_failures_lock_the_account_with_a_clear_message(session, personas):
    a = personas.patient_a
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            auth.check_credentials(session, email=a.email, password="wrong guess", actor=ANON)
    with pytest.raises(TooManyAttempts, match="Try again in"):
        auth.check_credentials(session, email=a.email, password=PASSWORD, actor=ANON)
    other = Actor(ip="127.0.0.10")
    assert auth.check_credentials(session, email=personas.patient_c.email, password=PASSWORD,
                                  actor=other)


def test_profile_update_validates_everything_and_changes_nothing_on_bad_input(session, personas):
    a = personas.patient_a
    actor = personas.actor(a)
    with pytest.raises(Invalid, match="international form"):
        accounts.update_profile(session, actor=actor, full_name="Alice New", phone="12345",
                                timezone="Europe/Paris", language="fr")
    session.rollback()
    assert session.get(User, a.id).full_name == "Patient A"
    with pytest.raises(Invalid, match="Unknown time zone"):
        accounts.update_profile(session, actor=actor, full_name="Alice New", phone="",
                                timezone="Mars/Olympus", language="fr")
    session.rollback()
    user = accounts.update_profile(session, actor=actor, full_name=" Alice   New ",
                                   phone="+44 (20) 7946-0958", timezone="Europe/Paris",
                                   language="fr")
    session.commit()
    assert (user.full_name, user.phone, user.timezone) == ("Alice New", "+442079460958",
                                                           "Europe/Paris")
