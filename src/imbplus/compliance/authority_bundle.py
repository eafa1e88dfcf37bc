"""Fulfilling an approved request from an authority (P07): the bundle handed over.

Only the approved scope is read: the customers named in the request, the categories
approved, the boxes' activity within the request's period; every read goes through the gate
for the purpose `legal_obligation` with the request's tag, one audit record per customer.
The bundle is a ZIP (the subject's copy's writer, `subject_copy.write_archive`): data.json,
a readable Polish page (index.html) and a manifest with each file's SHA-256. It is written
beside its place under `<data_dir>/authority/` (mode 0600 from the start) and renamed once
whole, and recorded as a disclosure to the authority: the ZIP's SHA-256, the categories,
how many people, the legal basis and the case reference.
"""

from __future__ import annotations

import hashlib
import io
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from imbplus.clock import clock
from imbplus.compliance import authority, subject_copy
from imbplus.customers import scope as customers
from imbplus.devices import service as devices
from imbplus.errors import Conflict, NotFound
from imbplus.privacy import releases
from imbplus.privacy.access import Context
from imbplus.privacy.authority_requests import APPROVED, FULFILLED, AuthorityRequest, tag
from imbplus.privacy.catalog import Action, Category
from imbplus.telemetry.store import Store
from imbplus.web import i18n
from imbplus.web.pages import templates_dir

FORMAT = "imbplus-authority-bundle/1"
RECORD = {Category.IDENTITY, Category.CONTACT, Category.ADDRESS}
PAGE_KEYS = (
    "title",
    "intro",
    "authority",
    "reference",
    "legal_basis",
    "received",
    "approved",
    "categories",
    "period",
    "subjects",
    "customer",
    "record",
    "boxes",
    "events",
    "files",
)  # texts in the catalogues as authority.bundle.<key>


def bundle_dir(ctx: Context) -> Path:
    return Path(ctx.platform.settings.data_dir) / "authority"


def bundle_path(ctx: Context, row: AuthorityRequest) -> Path:
    if not row.bundle_name:
        raise NotFound("this request has no bundle", request=row.id)
    return bundle_dir(ctx) / row.bundle_name


def _subject(ctx: Context, view: authority.RequestView, cid: str, store: Store) -> dict[str, Any]:
    row, cats = view.request, {Category(c) for c in view.categories}
    reason = tag(row.id)
    entry: dict[str, Any] = {"customer": cid}
    if cats & RECORD:
        entry["record"] = customers.fields_of(ctx, cid, cats & RECORD, reason=reason)
    if Category.STB_DEVICE in cats:
        boxes = devices.customer_devices(ctx, cid)
        entry["set_top_boxes"] = [b.model_dump(mode="json") for b in boxes]
    if Category.STB_ACTIVITY in cats:
        period = (row.period_from, authority.period_end(row))
        entry["activity"] = subject_copy.activity(ctx, cid, store, period)
    ctx.note("authority.disclosed", subject=cid, categories=row.categories, reason=reason)
    return entry


def _header(view: authority.RequestView) -> dict[str, Any]:
    row = view.request
    return {
        "id": row.id,
        "authority": row.authority_id,
        "authority_name": view.authority_name,
        "reference": row.reference,
        "legal_basis": row.legal_basis,
        "received": row.received_at.date().isoformat(),
        "categories": view.categories,
        "period_from": row.period_from.date().isoformat() if row.period_from else None,
        "period_to": row.period_to.date().isoformat() if row.period_to else None,
        "entered_by": row.entered_by,
        "approved_by": row.decided_by,
        "approved_at": row.decided_at.isoformat() if row.decided_at else None,
    }


@lru_cache(maxsize=1)
def _template() -> Template:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())), autoescape=select_autoescape(["html"])
    )
    return env.get_template("documents/authority_bundle.html")


def render_page(header: dict[str, Any], subjects: list[dict[str, Any]], lang: str = "pl") -> str:
    texts = {key: i18n.translate(lang, f"authority.bundle.{key}") for key in PAGE_KEYS}
    return _template().render(request=header, subjects=subjects, lang=lang, t=texts)


def _archive(view: authority.RequestView, subjects: list[dict[str, Any]]) -> bytes:
    header = _header(view)
    files = {
        "data.json": subject_copy.json_bytes(
            {"format": FORMAT, "request": header, "subjects": subjects}
        ),
        "index.html": render_page(header, subjects).encode("utf-8"),
    }
    buffer = io.BytesIO()
    meta = {"format": FORMAT, "request": view.request.id, "reference": view.request.reference}
    subject_copy.write_archive(files, meta, clock.now(), buffer)
    return buffer.getvalue()


def _write(target: Path, body: bytes) -> None:
    """Beside the target, mode 0600 from the start, renamed once whole."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def fulfil(ctx: Context, request_id: int, store: Store) -> AuthorityRequest:
    """Read the approved scope, write the bundle, record the disclosure (approved only)."""
    ctx.check(Action.WRITE, authority.REQUEST, operation="authority.fulfil", reason=tag(request_id))
    view = authority.view(ctx, request_id)
    row = view.request
    if row.status != APPROVED:
        raise Conflict(
            f"only an approved request is fulfilled (this one is {row.status})", request=row.id
        )
    subjects = [_subject(ctx, view, cid, store) for cid in view.customers]
    body = _archive(view, subjects)
    digest = hashlib.sha256(body).hexdigest()
    release = releases.Release(
        dataset=tag(row.id),
        categories=tuple(Category(c) for c in view.categories),
        fields=tuple(sorted({k for s in subjects for k in s if k != "customer"})),
        subject_count=len(subjects),
        file_sha256=digest,
    )
    to = releases.recipient(ctx.session, row.authority_id)
    disclosure_id = releases.disclose(
        ctx,
        to,
        release,
        legal_basis=row.legal_basis,
        reference=row.reference,
        subjects=view.customers,
    )
    name = f"request-{row.id}.zip"
    _write(bundle_dir(ctx) / name, body)
    row.status, row.fulfilled_by, row.fulfilled_at = FULFILLED, ctx.actor.label, clock.now()
    row.fulfil_request_id, row.bundle_name, row.bundle_sha256 = ctx.request_id, name, digest
    row.disclosure_id = disclosure_id
    ctx.session.flush()
    ctx.note("authority.request_fulfilled", reason=f"{tag(row.id)} sha256={digest[:16]}")
    return row


def download(ctx: Context, request_id: int) -> tuple[Path, AuthorityRequest]:
    """The fulfilled bundle's file, for the staff handing it over (audited)."""
    ctx.check(Action.READ, authority.REQUEST, operation="authority.bundle", reason=tag(request_id))
    row = authority.view(ctx, request_id).request
    path = bundle_path(ctx, row)
    if not path.is_file():
        raise NotFound("the bundle's file is missing", request=row.id)
    return path, row
