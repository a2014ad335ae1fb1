"""Outbound mail: templates, a stored outbox, and transports (SMTP or outbox-only)."""
