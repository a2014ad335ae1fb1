"""Is a browser tab still there? For the background tasks that follow live data (the
room's poll, the chat, the agenda's waiting list, the booking page's free times).

Why: a Reflex 0.10 background task is not always cancelled when its tab closes (a closed
tab sends no unmount event), so each task asks now and then and ends itself. There is no
public API for it: Reflex's token manager knows (across workers when it uses Redis); on
any surprise the answer is "connected", and the tasks have their own other ends (page
changed, call over, a time limit).
"""

from __future__ import annotations

import logging

log = logging.getLogger("odcp.live_tab")


async def client_connected(token: str) -> bool:
    """Whether the tab behind the client token still has its websocket open."""
    try:
        from reflex_base.registry import RegistrationContext

        namespace = RegistrationContext.get().app.event_namespace
        if namespace is None:
            return True
        return await namespace._token_manager.is_token_connected(token)
    except Exception as exc:  # not inside a running app (state tests), or Reflex changed
        log.debug("cannot tell whether client %s is connected: %r", token[:8], exc)
        return True
