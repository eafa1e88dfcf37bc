"""Migrations are the schema: models and migrated database agree; down and up again work."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from imbplus import schema
from imbplus.models import load_all
from imbplus.runtime import Runtime


def test_models_match_the_migrated_schema(rt: Runtime) -> None:
    with rt.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, load_all().metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(rt: Runtime) -> None:
    cfg = schema.alembic_config()
    with rt.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert schema.current_revision(rt.engine) is None
    before, after = schema.upgrade(rt.engine)
    assert before is None and after == schema.head_revision()
