"""Alembic environment; migrations ship inside the package and run from `imbplus init`."""

from __future__ import annotations

from alembic import context

from imbplus.models import load_all

target_metadata = load_all().metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from imbplus.db import make_engine
        from imbplus.settings import load_settings

        engine = make_engine(load_settings().db_url)
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
