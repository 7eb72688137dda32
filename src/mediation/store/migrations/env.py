"""Alembic environment: runs on the connection the store hands over."""

from __future__ import annotations

from alembic import context

from mediation.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes one
    raise RuntimeError("run migrations through mediation.store.sql.SqlStore.migrate()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
