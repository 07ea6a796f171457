"""The street-office (街道) server: an ASGI API that the communities' desks sync with.

``api.create_app`` builds the FastAPI application and its routes over ``schemas`` (the wire
format) and ``middleware`` (size limit, access log); ``receive`` judges what a community sends
(typed as ``incoming`` records); ``store`` holds the change counter, pull and the street's answer
over SQLAlchemy; ``admin`` registers communities and their API keys and reads the street office's
overview, which ``page`` renders from ``templates/``; ``models`` are the server's own tables (a
MetaData separate from the desk's). docs/SYNC.md describes the protocol.

May import: app.services (the case statuses' names), the models' base and app.db.
"""
