"""Alembic environment of the street server: runs on the engine handed over by
app.street.store (never on an ini file's URL), with its own version table so the server's
schema can share a database with anything else."""

from alembic import context

import app.street.office.models  # noqa: F401 — the office tables belong to the same MetaData
from app.street.models import StreetBase

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=StreetBase.metadata,
        version_table="street_alembic_version",
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
