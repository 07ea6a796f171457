"""Use cases of the centre, with no Qt: each takes a SQLAlchemy session and returns plain objects."""
