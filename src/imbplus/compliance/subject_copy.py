"""The subject's own copy (B01, GDPR art. 15 and 20): everything held about a person, as a
ZIP of machine-readable files and one page a person can read.

What it holds: each domain's part (the export hooks, `privacy/exports.py`), the activity
the person's boxes recorded (from the telemetry store, by the pseudonyms of their boxes'
assignment periods; never the pseudonyms themselves), the recipients their data went to
(the disclosure register), who accessed it (the audit trail, as "who saw my data" shows
it: roles and kinds of process, never a staff name), and for each category held its
purposes, legal basis, retention and source. Every read goes through the gate with the
caller's context (purpose `data_subject_request`): the DPO for a request, or the person
themselves in the portal (their own record only).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

from imbplus.clock import clock
from imbplus.compliance import rights
from imbplus.compliance.retention import schedule
from imbplus.devices import service as devices
from imbplus.portal import access_log
from imbplus.privacy import authority_requests, disclosure
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import CATEGORY_INFO, Category
from imbplus.telemetry import queries
from imbplus.telemetry.store import Store

FORMAT = "imbplus-subject-copy/2"
ACTIVITY_COLUMNS = (
    "ts",
    "type",
    "channel",
    "content_id",
    "duration_s",
    "error_code",
    "firmware",
    "model",
    "region",
)
# Where each category comes from, in the person's words.
SOURCES: dict[Category, str] = {
    Category.IDENTITY: "given by you (order, registration) or by staff on your request",
    Category.CONTACT: "given by you",
    Category.ADDRESS: "given by you",
    Category.PAYMENT_CARD: "given by you at checkout",
    Category.BILLING_RECORD: "made by us from your orders and subscription",
    Category.STB_DEVICE: "our registry of the boxes delivered to you",
    Category.STB_ACTIVITY: "recorded by your set-top boxes",
    Category.SHIPMENT_RECORD: "made by us when a box was shipped to you",
    Category.SHIPMENT_CONTACT: "given by you for the delivery",
    Category.SURVEY_RESPONSE: "your answers to our surveys",
    Category.CONSENT_RECORD: "your choices about cookies and messages",
    Category.PRIVACY_INQUIRY: "your questions to our data-protection officer",
    Category.LEGAL_REQUEST: "your requests about your data",
    Category.ACCOUNT_CREDENTIALS: "set by you (kept only as hashes, never exported)",
    Category.AUDIT_RECORD: "recorded by our systems at every access to your data",
}


@dataclass
class SubjectCopy:
    subject: str
    generated_at: datetime
    data: dict[str, Any]
    activity: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[dict[str, Any]] = field(default_factory=list)
    accesses: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)


def build(ctx: Context, customer_id: str, store: Store) -> SubjectCopy:
    """Everything held about the person, read through the gate for `ctx`."""
    copy = SubjectCopy(customer_id, clock.now(), rights.export(ctx, customer_id))
    copy.activity = activity(ctx, customer_id, store)
    copy.recipients = [
        {k: v for k, v in asdict(d).items() if k not in ("actor", "subject_id")}
        for d in [
            *disclosure.register_rows(ctx, subject_id=customer_id, limit=100_000),
            # an authority's request about them, once no bar forbids telling them (P07)
            *authority_requests.told_disclosures(ctx.session, customer_id, clock.now()),
        ]
    ]
    copy.accesses = [
        {k: v for k, v in asdict(e).items() if k != "seq"}
        for e in access_log.trail_of(ctx, customer_id, limit=1_000_000)
    ]
    copy.categories = categories_held(ctx, copy)
    return copy


def activity(
    ctx: Context,
    customer_id: str,
    store: Store,
    period: tuple[datetime | None, datetime | None] = (None, None),
) -> list[dict[str, Any]]:
    """The events the person's boxes recorded while they were theirs, oldest first (within
    `period`, from and before, when given: an authority's request)."""
    pseudonyms = [
        p
        for box in devices.customer_devices(ctx, customer_id)
        for p in devices.activity_pseudonyms(ctx, box.id)
    ]
    if not pseudonyms:
        return []
    marks = ", ".join("?" for _ in pseudonyms)
    params: list[Any] = list(pseudonyms)
    within = ""
    for bound, op in zip(period, (">=", "<"), strict=True):
        if bound is not None:
            within += f" AND ts {op} ?"
            params.append(bound.astimezone(UTC).replace(tzinfo=None))  # ts is naive UTC
    sql = (
        f"SELECT {', '.join(ACTIVITY_COLUMNS)} FROM events "  # noqa: S608 - placeholders only
        f"WHERE device IN ({marks}){within} ORDER BY ts"
    )

    def run(con: Any) -> list[dict[str, Any]]:
        relation = con.sql(sql, params=params)
        # as Arrow: far quicker than Python rows (duckdb 2 renamed the method)
        table = getattr(relation, "to_arrow_table", None) or relation.arrow
        rows: list[dict[str, Any]] = table().to_pylist()
        return rows

    return queries.run_readable(store, list, run, use_rollups=False)


def categories_held(ctx: Context, copy: SubjectCopy) -> list[dict[str, Any]]:
    """Each personal category the copy holds: what it is, why, on which basis, how long,
    and where it comes from."""
    held = {Category.IDENTITY, Category.CONTACT, Category.ADDRESS, Category.AUDIT_RECORD}
    if copy.activity:
        held.add(Category.STB_ACTIVITY)
    for name, part in copy.data.items():
        held |= _categories_of(name, part)
    purposes: dict[str, set[str]] = {}
    for _role, category, purpose, _action in ctx.platform.gate.rules():
        purposes.setdefault(category, set()).add(purpose)
    rules = schedule()
    settings = ctx.platform.settings
    return [
        {
            "category": c.value,
            "what": CATEGORY_INFO[c].description,
            "purposes": sorted(purposes.get(c.value, set())),
            "retention": [
                {
                    "rule": r.description,
                    "days": r.period(settings).days,
                    "legal_basis": r.legal_basis,
                }
                for r in rules
                if r.category == c
            ],
            "source": SOURCES.get(c, "recorded by our systems"),
        }
        for c in sorted(held, key=lambda c: c.value)
    ]


_PART_CATEGORIES: dict[str, tuple[Category, ...]] = {
    "set_top_boxes": (Category.STB_DEVICE,),
    "surveys": (Category.SURVEY_RESPONSE,),
    "shop": (Category.BILLING_RECORD, Category.SHIPMENT_RECORD, Category.SHIPMENT_CONTACT),
    "portal_account": (Category.ACCOUNT_CREDENTIALS, Category.CONSENT_RECORD),
}


def _categories_of(name: str, part: Any) -> set[Category]:
    return set(_PART_CATEGORIES.get(name, ())) if part else set()


def write_zip(copy: SubjectCopy, target: BinaryIO, *, lang: str = "pl") -> dict[str, Any]:
    """The copy as a ZIP: data.json, activity.csv, index.html (in `lang`) and a manifest
    with each file's SHA-256; returns the manifest."""
    from imbplus.compliance.subject_copy_page import render_page

    files: dict[str, bytes] = {
        "data.json": json_bytes(
            {
                "format": FORMAT,
                "subject": copy.subject,
                "generated_at": copy.generated_at.isoformat(),
                "data": copy.data,
                "categories": copy.categories,
                "recipients": copy.recipients,
                "accesses": copy.accesses,
                "activity_events": len(copy.activity),
            }
        ),
        "activity.csv": _csv(copy.activity),
        "index.html": render_page(copy, lang).encode("utf-8"),
    }
    header = {"format": FORMAT, "subject": copy.subject}
    return write_archive(files, header, copy.generated_at, target)


def write_archive(
    files: dict[str, bytes], header: dict[str, Any], at: datetime, target: BinaryIO
) -> dict[str, Any]:
    """`files` as a ZIP with a manifest.json (`header`, the time, and each file's SHA-256
    and size), every entry dated `at` (the same content gives the same bytes); returns the
    manifest. Also the bundle handed to an authority (compliance/authority_bundle.py)."""
    manifest = {
        **header,
        "generated_at": at.isoformat(),
        "files": {
            name: {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
            for name, body in files.items()
        },
    }
    stamp = at.timetuple()[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for name, body in [*files.items(), ("manifest.json", json_bytes(manifest))]:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, body)
    return manifest


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _csv(rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACTIVITY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")
