"""REST API (FastAPI) over the same services the pages use."""
