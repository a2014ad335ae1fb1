"""Business rules and authorization. Never imports reflex, state, pages, components or api."""

# Registers the session events that keep each doctor's stored next free slot right
# whichever service changes appointments, time off, rules, overrides or the policy.
from odcp.services import next_slot_sync  # noqa: F401
