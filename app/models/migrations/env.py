"""Alembic environment: runs on the engine handed over by app.db (never on a URL from an ini
file), so migrations see exactly the connection settings the program uses."""

from alembic import context

from app.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite changes tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
