"""/api/v1/specialties (public: the active ones) and /api/v1/admin/specialties (manage)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from odcp.api.deps import DB, SignedIn
from odcp.models.doctor import Specialty
from odcp.services import specialties

router = APIRouter(tags=["specialties"])


class SpecialtyOut(BaseModel):
    id: int
    name: str
    slug: str
    description: str

    @classmethod
    def of(cls, spec: Specialty) -> SpecialtyOut:
        return cls(id=spec.id, name=spec.name, slug=spec.slug, description=spec.description)


class AdminSpecialtyOut(SpecialtyOut):
    active: bool
    merged_into_id: int | None
    primary_doctors: int = 0
    other_doctors: int = 0

    @classmethod
    def of(cls, spec: Specialty, row: specialties.SpecialtyRow | None = None
           ) -> AdminSpecialtyOut:
        return cls(id=spec.id, name=spec.name, slug=spec.slug, description=spec.description,
                   active=spec.active, merged_into_id=spec.merged_into_id,
                   primary_doctors=row.primary_doctors if row else 0,
                   other_doctors=row.other_doctors if row else 0)


class CreateIn(BaseModel):
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)


class UpdateIn(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=1000)


class MergeIn(BaseModel):
    into_id: int = Field(description="the specialty that receives the doctors")


@router.get("/specialties")
def list_active(session: DB) -> list[SpecialtyOut]:
    """What patients can choose from."""
    return [SpecialtyOut.of(s) for s in specialties.active(session)]


@router.get("/admin/specialties")
def list_all(session: DB, actor: SignedIn) -> list[AdminSpecialtyOut]:
    return [AdminSpecialtyOut.of(r.specialty, r)
            for r in specialties.list_all(session, actor=actor)]


@router.post("/admin/specialties", status_code=201)
def create(body: CreateIn, session: DB, actor: SignedIn) -> AdminSpecialtyOut:
    return AdminSpecialtyOut.of(specialties.create(session, actor=actor, name=body.name,
                                                   description=body.description))


@router.patch("/admin/specialties/{specialty_id}")
def update(specialty_id: int, body: UpdateIn, session: DB,
           actor: SignedIn) -> AdminSpecialtyOut:
    return AdminSpecialtyOut.of(specialties.update(
        session, actor=actor, specialty_id=specialty_id, name=body.name,
        description=body.description))


@router.post("/admin/specialties/{specialty_id}/deactivate")
def deactivate(specialty_id: int, session: DB, actor: SignedIn) -> AdminSpecialtyOut:
    return AdminSpecialtyOut.of(specialties.deactivate(session, actor=actor,
                                                       specialty_id=specialty_id))


@router.post("/admin/specialties/{specialty_id}/reactivate")
def reactivate(specialty_id: int, session: DB, actor: SignedIn) -> AdminSpecialtyOut:
    return AdminSpecialtyOut.of(specialties.reactivate(session, actor=actor,
                                                       specialty_id=specialty_id))


@router.post("/admin/specialties/{specialty_id}/merge")
def merge(specialty_id: int, body: MergeIn, session: DB, actor: SignedIn) -> AdminSpecialtyOut:
    """Move every doctor of this specialty to `into_id`; returns the receiving specialty."""
    return AdminSpecialtyOut.of(specialties.merge(session, actor=actor, source_id=specialty_id,
                                                  target_id=body.into_id))
