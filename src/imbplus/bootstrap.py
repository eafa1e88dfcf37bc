"""`imbplus init`: data directory, master key, schema and system keys. Idempotent."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select

from imbplus import schema
from imbplus.customers import names
from imbplus.errors import ConfigurationError
from imbplus.models import load_all
from imbplus.privacy import audit, masterkey
from imbplus.privacy.crypto import SCOPE_BLIND_INDEX, SCOPE_SYSTEM
from imbplus.privacy.models import AuditHead, AuditRecord, DataKeyVersion
from imbplus.runtime import Runtime


@dataclass
class InitReport:
    key_created: bool
    revision_before: str | None
    revision_after: str | None


def init(rt: Runtime) -> InitReport:
    settings = rt.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.data_dir, 0o700)
    key_created = masterkey.create_if_missing(settings.key_file)
    audit_key_created = _audit_key(rt)
    rt.reload_keyring()
    before, after = schema.upgrade(rt.engine)
    _sign_checkpoint(rt, upgrading=audit_key_created)
    with rt.unit_of_work() as session:
        _check_master_key(rt, session)
        rt.keyring.system_key(session, SCOPE_BLIND_INDEX)
        rt.keyring.system_key(session, SCOPE_SYSTEM)
    load_all()  # every domain's anchors are registered
    audit.backfill_anchors(rt)
    names.backfill(rt)  # customers from before the name index (search by name)
    return InitReport(key_created, before, after)


def _audit_key(rt: Runtime) -> bool:
    """Make the audit signing key of an installation that never had one. Beside a signed
    checkpoint a missing key is a lost key: a new one would call every keyed record
    altered, so `init` refuses and says to restore it."""
    path = rt.settings.audit_key_file
    if not path.exists() and rt.checkpoint.is_signed_format():
        raise ConfigurationError(
            f"the audit signing key {path} is missing but the audit chain is keyed; restore "
            "the key from where it is kept (beside the master key)"
        )
    try:
        return audit.create_signing_key(path)
    except audit.CheckpointError as bad:
        raise ConfigurationError(str(bad)) from None


def _sign_checkpoint(rt: Runtime, *, upgrading: bool) -> None:
    """A new installation gets a signed checkpoint at its genesis. An installation from
    before the keyed chain (its signing key made by this very `init`) gets its unsigned
    checkpoint signed when it names a record of the chain as it is. Anything else is left
    as it is: a missing or unsigned checkpoint beside a keyed installation is for
    `audit verify` to report and for an operator to decide (`imbplus audit anchor`), never
    for a routine `init` to paper over."""
    checkpoint = rt.checkpoint
    try:
        checkpoint.read()
        return
    except audit.CheckpointError:
        pass
    with rt.sessions() as session:
        head = session.get(AuditHead, 1)
        seq = head.seq if head else 0
        unsigned = checkpoint.read_unsigned()
        if unsigned is None and checkpoint.path.exists():
            return  # damaged: left for verify to report
        if unsigned is None:
            if audit.count(session) == 0 and seq == 0:
                checkpoint.anchor(0, audit.GENESIS, keyed_from=1)
            return
        if not upgrading:
            return
        record = session.get(AuditRecord, unsigned[0])
        if unsigned == (0, audit.GENESIS) or (record is not None and record.hash == unsigned[1]):
            # the records so far are plain SHA-256; the chain is keyed from the next one on
            checkpoint.anchor(*unsigned, keyed_from=seq + 1)


def _check_master_key(rt: Runtime, session: object) -> None:
    """Refuse to run with a master key file that does not open the existing keyring."""
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    row = session.execute(
        select(DataKeyVersion).where(DataKeyVersion.wrapped.is_not(None)).limit(1)
    ).scalar()
    if row is None:
        return
    if row.master_version not in rt.keyring.master.keys:
        raise ConfigurationError(
            "the master key file does not hold the key version that wrapped the keyring; "
            "is this the right key file for this database?"
        )
    rt.keyring.check_unwrap(session, row.key_id, row.version)


def ensure_ready(rt: Runtime) -> None:
    """Refuse to serve a database that `imbplus init` has not brought to the current schema."""
    current = schema.current_revision(rt.engine)
    head = schema.head_revision()
    if current != head:
        raise ConfigurationError(
            f"database schema is at {current or 'nothing'}, expected {head}; run `imbplus init`"
        )
    rt.keyring  # noqa: B018 - loads and checks the master key file
    try:  # records would be written unkeyed, and read as altered ever after
        audit.signing_key(rt.settings.audit_key_file)
    except audit.CheckpointError as bad:
        raise ConfigurationError(str(bad)) from None
