"""The clinic's specialties, managed by admins.

Deactivating hides a specialty from patients (the directory and the onboarding form offer
active ones only). It is refused while submitted or verified doctors use it as their main
specialty, since they would silently drop out of the directory: merge it instead. Merging
A into B moves every doctor from A to B without duplicates, deactivates A and points
A.merged_into_id at B (so old links can be followed), and rewrites those doctors' search
documents in the same transaction.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, func, or_, select

from odcp.models.doctor import DoctorProfile, DoctorSpecialty, Specialty, VerificationStatus
from odcp.services import audit
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Invalid, NotFound
from odcp.services.permissions import Permission, require_permission
from odcp.services.search_index import index_doctor


def active(session: Session) -> list[Specialty]:
    """What patients and doctors may choose from, by name."""
    return list(session.exec(select(Specialty).where(col(Specialty.active).is_(True))
                             .order_by(Specialty.name)).all())


@dataclass(frozen=True)
class SpecialtyRow:
    specialty: Specialty
    primary_doctors: int
    other_doctors: int
    merged_into: str


def list_all(session: Session, *, actor: Actor) -> list[SpecialtyRow]:
    """Every specialty with how many doctors use it, for the admin page."""
    require_permission(actor, Permission.SPECIALTIES_MANAGE)
    specs = session.exec(select(Specialty).order_by(col(Specialty.active).desc(),
                                                    Specialty.name)).all()
    primary = dict(session.exec(select(DoctorProfile.specialty_id, func.count())
                                .group_by(DoctorProfile.specialty_id)).all())
    other = dict(session.exec(select(DoctorSpecialty.specialty_id, func.count())
                              .group_by(DoctorSpecialty.specialty_id)).all())
    names = {s.id: s.name for s in specs}
    return [SpecialtyRow(specialty=s, primary_doctors=primary.get(s.id, 0),
                         other_doctors=other.get(s.id, 0),
                         merged_into=names.get(s.merged_into_id, "")) for s in specs]


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]
    return slug or f"specialty-{uuid.uuid4().hex[:6]}"


def _name(session: Session, name: str, *, except_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 80:
        raise Invalid("Give the specialty a name of 2 to 80 characters.", field="name")
    query = select(Specialty.id).where(func.lower(Specialty.name) == name.lower())
    if except_id is not None:
        query = query.where(Specialty.id != except_id)
    if session.exec(query).first() is not None:
        raise Conflict(f"A specialty called {name} already exists.", field="name")
    return name


def _slug(session: Session, name: str, *, except_id: int | None = None) -> str:
    slug = slugify(name)
    query = select(Specialty.id).where(Specialty.slug == slug)
    if except_id is not None:
        query = query.where(Specialty.id != except_id)
    if session.exec(query).first() is not None:
        raise Conflict(f"The web address '{slug}' is taken by another specialty; choose a "
                       "more distinct name.", field="name")
    return slug


def _description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > 500:
        raise Invalid("Keep the description to 500 characters.", field="description")
    return text


def _get(session: Session, specialty_id: int) -> Specialty:
    spec = session.get(Specialty, specialty_id)
    if spec is None:
        raise NotFound("No such specialty.")
    return spec


def _doctor_ids(session: Session, specialty_id: int) -> set[int]:
    primary = session.exec(select(DoctorProfile.id)
                           .where(DoctorProfile.specialty_id == specialty_id)).all()
    other = session.exec(select(DoctorSpecialty.doctor_id)
                         .where(DoctorSpecialty.specialty_id == specialty_id)).all()
    return set(primary) | set(other)


def _record(session: Session, actor: Actor, action: str, spec: Specialty, **detail) -> None:
    audit.record(session, actor=actor, action=action, target_type="specialty",
                 target_id=spec.id, detail=detail)


def create(session: Session, *, actor: Actor, name: str, description: str = "") -> Specialty:
    require_permission(actor, Permission.SPECIALTIES_MANAGE)
    name = _name(session, name)
    spec = Specialty(name=name, slug=_slug(session, name), description=_description(description))
    session.add(spec)
    session.flush()
    _record(session, actor, "specialty.create", spec, name=name)
    return spec


def update(session: Session, *, actor: Actor, specialty_id: int, name: str | None = None,
           description: str | None = None) -> Specialty:
    """Rename and/or describe. A new name gets a new slug (links follow the name), and the
    doctors' search documents are rewritten so searching the new name finds them."""
    require_permission(actor, Permission.SPECIALTIES_MANAGE)
    spec = _get(session, specialty_id)
    changed = {}
    if name is not None and " ".join(name.split()) != spec.name:
        new_name = _name(session, name, except_id=spec.id)
        new_slug = _slug(session, new_name, except_id=spec.id)
        changed["name"] = {"from": spec.name, "to": new_name}
        spec.name, spec.slug = new_name, new_slug
    if description is not None:
        text = _description(description)
        if text != spec.description:
            spec.description, changed["description"] = text, True
    if not changed:
        return spec
    session.flush()
    if "name" in changed:
        for doctor_id in _doctor_ids(session, spec.id):
            index_doctor(session, doctor_id=doctor_id)
    _record(session, actor, "specialty.update", spec, **changed)
    return spec


def deactivate(session: Session, *, actor: Actor, specialty_id: int) -> Specialty:
    require_permission(actor, Permission.SPECIALTIES_MANAGE)
    spec = _get(session, specialty_id)
    if not spec.active:
        raise Conflict(f"{spec.name} is already inactive.")
    in_use = session.exec(select(func.count()).select_from(DoctorProfile).where(
        DoctorProfile.specialty_id == spec.id,
        col(DoctorProfile.verification_status).in_([VerificationStatus.SUBMITTED,
                                                    VerificationStatus.VERIFIED]))).one()
    if in_use:
        raise Conflict(f"{in_use} listed or submitted doctor(s) have {spec.name} as their "
                       "main specialty; merge it into another specialty instead, so they "
                       "stay listed.")
    spec.active = False
    _record(session, actor, "specialty.deactivate", spec)
    return spec


def reactivate(session: Session, *, actor: Actor, specialty_id: int) -> Specialty:
    """Offer it again; a merged specialty forgets its merge (its doctors stay moved)."""
    require_permission(actor, Permission.SPECIALTIES_MANAGE)
    spec = _get(session, specialty_id)
    if spec.active:
        raise Conflict(f"{spec.name} is already active.")
    spec.active, spec.merged_into_id = True, None
    _record(session, actor, "specialty.reactivate", spec)
    return spec


def merge(session: Session, *, actor: Actor, source_id: int, target_id: int) -> Specialty:
    """Move every doctor of `source` to `target`, then retire `source`; returns target."""
    require_permission(actor, Permission.SPECIALTIES_MANAGE)
    if source_id == target_id:
        raise Invalid("Choose two different specialties to merge.", field="target_id")
    source, target = _get(session, source_id), _get(session, target_id)
    if not target.active:
        raise Conflict(f"{target.name} is inactive; merge into an active specialty.")
    if source.merged_into_id is not None:
        raise Conflict(f"{source.name} was already merged.")
    affected = _doctor_ids(session, source.id)
    primaries = session.exec(select(DoctorProfile)
                             .where(DoctorProfile.specialty_id == source.id)).all()
    for profile in primaries:
        profile.specialty_id = target.id
        session.add(profile)
    session.flush()
    links = session.exec(select(DoctorSpecialty).where(or_(
        DoctorSpecialty.specialty_id == source.id,
        DoctorSpecialty.specialty_id == target.id))).all()
    primary_of = dict(session.exec(select(DoctorProfile.id, DoctorProfile.specialty_id)
                                   .where(col(DoctorProfile.id).in_(sorted(affected)))).all())
    kept: set[int] = set()
    for link in sorted(links, key=lambda x: x.specialty_id != target.id):  # target rows first
        if primary_of.get(link.doctor_id, -1) == target.id or link.doctor_id in kept:
            session.delete(link)  # target is their main one, or already listed as other
        else:
            kept.add(link.doctor_id)
            if link.specialty_id == source.id:
                session.delete(link)
                session.add(DoctorSpecialty(doctor_id=link.doctor_id, specialty_id=target.id))
    session.flush()
    chained = session.exec(select(Specialty).where(Specialty.merged_into_id == source.id)).all()
    for earlier in chained:
        earlier.merged_into_id = target.id  # keep merge chains one step long
    source.active, source.merged_into_id = False, target.id
    session.flush()
    for doctor_id in affected:
        index_doctor(session, doctor_id=doctor_id)
    _record(session, actor, "specialty.merge", source, into=target.id, into_name=target.name,
            doctors_moved=len(affected))
    return target
