"""GET /api/v1/health: database reachable and migration revision."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from odcp.db import get_engine
from odcp.services import health

router = APIRouter(tags=["health"])


@router.get("/health")
async def get_health() -> JSONResponse:
    """200 when the DB answers and the schema is at head, 503 otherwise."""
    result = await asyncio.to_thread(health.check, get_engine())
    body = {
        "status": "ok" if result.ok else "degraded",
        "database": result.database,
        "revision": result.revision,
        "head": result.head,
    }
    return JSONResponse(body, status_code=200 if result.ok else 503)
