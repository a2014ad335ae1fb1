"""Business rules and authorization. Never imports reflex, state, pages, components or api."""
