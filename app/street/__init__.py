"""The street-office (街道) server: an ASGI API that the communities' desks sync with.

``api.create_app`` builds the FastAPI application, ``store`` holds the sync rules (push, pull,
answer, summary) over SQLAlchemy, ``admin`` registers communities and their API keys, and
``models`` the server's own tables (a MetaData separate from the desk's). docs/SYNC.md describes
the protocol.
"""
