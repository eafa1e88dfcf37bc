"""A fresh database per test, copied from a template built once with `imbplus init`.

SQLite: the template file is copied. PostgreSQL: `CREATE DATABASE ... TEMPLATE ...`.
"""

from __future__ import annotations

import itertools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from imbplus.bootstrap import init
from imbplus.runtime import Runtime
from imbplus.settings import Settings

BACKEND = os.environ.get("IMBPLUS_TEST_BACKEND", "sqlite")
POSTGRES_URL = os.environ.get("IMBPLUS_TEST_POSTGRES_URL", "")
_counter = itertools.count()


@dataclass
class Template:
    data_dir: Path
    database_url: str | None  # None for SQLite (file in data_dir)
    pg_template: str | None = None


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def build_template(root: Path) -> Template:
    data_dir = root / "template"
    if BACKEND == "postgres":
        name = f"imbplus_tpl_{os.getpid()}"
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        settings = Settings(data_dir=data_dir, database_url=_pg_url(name))
    else:
        name = None
        settings = Settings(data_dir=data_dir)
    rt = Runtime(settings)
    init(rt)
    # The local sandbox processors (mail relay, SMS, carrier, payments) are registered as
    # `imbplus demo` does, so that every message a test queues can be handed over.
    from imbplus.privacy.catalog import Purpose
    from imbplus.processors import service as processors

    with rt.job("processors", Purpose.SECURITY) as ctx:
        processors.register_sandbox(ctx)

    if BACKEND == "sqlite":
        raw = rt.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    rt.dispose()
    return Template(data_dir, settings.database_url, name)


def fresh_settings(template: Template, target: Path, **overrides: object) -> Settings:
    """Settings for a new database cloned from the template, data dir `target`."""
    shutil.copytree(template.data_dir, target, dirs_exist_ok=True)
    for leftover in target.glob("imbplus.db-*"):
        leftover.unlink()
    url = None
    if template.pg_template:
        name = f"imbplus_t_{os.getpid()}_{next(_counter)}"
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.pg_template}"'))
        engine.dispose()
        url = _pg_url(name)
    return Settings(data_dir=target, database_url=url, **overrides)  # type: ignore[arg-type]


def drop(settings: Settings) -> None:
    if settings.database_url and settings.database_url.startswith("postgresql"):
        name = make_url(settings.database_url).database
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def drop_template(template: Template) -> None:
    if template.pg_template:
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{template.pg_template}" WITH (FORCE)'))
        engine.dispose()
