"""The simulator service's control API (FastAPI): one router module per resource."""
