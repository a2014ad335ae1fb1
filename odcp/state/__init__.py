"""Reflex State classes: per-user UI state only; every rule is in odcp.services."""
