"""Anonymized exports to third parties (P06, P19): our own data, k-anonymous, on the register.

A dataset is read through the gate (market research), its direct identifiers never enter
the table (each dataset names the columns it releases; a column of a category that
identifies by itself, `catalog.IDENTIFYING`, is refused before anything is read), its
quasi-identifiers are generalized by `imbplus.anonymize` until every class has k rows (and
l distinct sensitive values when asked), and the file is written next to its target and
renamed only once the disclosure register holds the hand-over: recipient, dataset, k, l,
the risk report's figures, how many people the release is about and the file's SHA-256.

* customers: postal code (up to the voivodeship), month of joining, package (sensitive).
* surveys: a survey's demographic and choice answers (`--survey`; its first single-choice
  answer is the sensitive column), or the demographic answers of every survey's
  respondents.
* telemetry: viewing per box and day, by region and model, from the Parquet store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from imbplus.anonymize import anonymize, csvio
from imbplus.compliance import canary
from imbplus.customers import service as customers
from imbplus.errors import ValidationFailed
from imbplus.privacy import releases
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import IDENTIFYING, Category, Purpose
from imbplus.privacy.disclosure import THIRD_PARTY
from imbplus.runtime import Runtime
from imbplus.shop import subscriptions
from imbplus.surveys import release as survey_release
from imbplus.telemetry import release as telemetry_release
from imbplus.telemetry.store import Store

DATASETS = ("customers", "surveys", "telemetry")
LEGAL_BASIS = "anonymized data, not personal data (GDPR recital 26)"
OPERATION = "sharing.anonymized"


@dataclass(frozen=True)
class Prepared:
    """A dataset before anonymization: its columns, and who each row is about."""

    columns: dict[str, list[str]]
    quasi: list[str]
    sensitive: str | None
    categories: tuple[Category, ...]  # what the released columns are made from
    subjects: list[str]  # per row, only to count the people in the release


@dataclass(frozen=True)
class Request:
    dataset: str
    recipient_id: str
    k: int
    l: int | None = None  # noqa: E741  (the model's name)
    suppress: float = 0.05
    survey_id: str | None = None
    days: int = 30


@dataclass(frozen=True)
class Shared:
    disclosure_id: int
    recipient: str
    dataset: str
    rows_in: int
    rows_out: int
    subjects: int
    k: int
    l: int | None  # noqa: E741
    risk_max: float | None
    sha256: str
    levels: dict[str, str]


def _refuse_identifying(categories: Sequence[Category]) -> None:
    named = sorted(c.value for c in categories if c in IDENTIFYING)
    if named:  # a programming error in a dataset's definition, never a user's
        raise ValueError(f"a release may not hold identifying categories: {named}")


def _customers(ctx: Context, request: Request, store: Store) -> Prepared:
    canary_id = canary.customer_id_in(ctx.platform, ctx.session)  # fictitious: left out
    rows = customers.postal_codes(
        ctx, operation=f"{OPERATION}.customers", leave_out=[canary_id] if canary_id else []
    )
    packages = subscriptions.active_packages(ctx.session)

    def month(at: datetime) -> str:
        return at.date().replace(day=1).isoformat()

    return Prepared(
        {
            "postal_code": [code for _, code, _ in rows],
            "joined": [month(at) for _, _, at in rows],
            "package": [packages.get(cid, "none") for cid, _, _ in rows],
        },
        ["postal_code", "joined"],
        "package",
        (Category.ADDRESS,),
        [cid for cid, _, _ in rows],
    )


def _surveys(ctx: Context, request: Request, store: Store) -> Prepared:
    found = survey_release.table(ctx, request.survey_id, operation=f"{OPERATION}.surveys")
    sensitive = found.sensitive
    quasi = [c for c in found.columns if c != sensitive]
    rows = len(next(iter(found.columns.values()))) if found.columns else 0
    return Prepared(
        found.columns,
        quasi,
        sensitive,
        (Category.SURVEY_RESPONSE,),
        [str(i) for i in range(rows)],  # one response per respondent
    )


def _telemetry(ctx: Context, request: Request, store: Store) -> Prepared:
    found = telemetry_release.box_days(ctx, store, request.days)
    if not found.columns.get("day"):
        raise ValidationFailed([{"field": "telemetry", "problem": "no activity in the window"}])
    return Prepared(
        found.columns,
        ["day", "region", "model"],
        "viewing",
        (Category.STB_ACTIVITY,),
        found.devices,
    )


PREPARE: dict[str, Callable[[Context, Request, Store], Prepared]] = {
    "customers": _customers,
    "surveys": _surveys,
    "telemetry": _telemetry,
}


def _recipient(ctx: Context, recipient_id: str) -> releases.Recipient:
    to = releases.recipient(ctx.session, recipient_id)
    if to.kind != THIRD_PARTY:
        raise ValidationFailed(
            [{"field": "to", "problem": "an anonymized export goes to a registered third party"}]
        )
    return to


def _validate(request: Request) -> None:
    if request.dataset not in DATASETS:
        raise ValidationFailed([{"field": "dataset", "problem": f"one of {', '.join(DATASETS)}"}])
    if request.k < 2:
        raise ValidationFailed([{"field": "k", "problem": "at least 2"}])
    if request.survey_id and request.dataset != "surveys":
        raise ValidationFailed([{"field": "survey", "problem": "only for the surveys dataset"}])


def _figures(report: dict[str, Any]) -> tuple[int, int | None, float | None]:
    achieved, risk = report["achieved"], report["risk"]
    prosecutor = risk.get("prosecutor") or {}
    return int(achieved["k"] or 0), achieved.get("l"), prosecutor.get("max")


def export(ctx: Context, store: Store, request: Request, out: Path) -> Shared:
    """Anonymize one dataset, write it to `out` and record the hand-over to the recipient in
    the context's unit of work. `release_file` is the way to a file that others will read."""
    _validate(request)
    to = _recipient(ctx, request.recipient_id)
    prepared = PREPARE[request.dataset](ctx, request, store)
    _refuse_identifying(prepared.categories)
    result = anonymize(
        prepared.columns,
        prepared.quasi,
        prepared.sensitive,
        k=request.k,
        l=request.l,
        suppress=request.suppress,
    )
    k, l_div, risk_max = _figures(result.report)
    subjects = len({prepared.subjects[i] for i in result.kept_rows.tolist()})
    csvio.write_table(result.table, out, ",")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    release = releases.Release(
        dataset=request.dataset,
        categories=prepared.categories,
        fields=tuple(result.table.column_names),
        subject_count=subjects,
        file_sha256=digest,
        k=k,
        l=l_div,
        risk_max=risk_max,
        risk_avg=(result.report["risk"].get("prosecutor") or {}).get("average"),
    )
    row_id = releases.disclose(
        ctx, to, release, legal_basis=LEGAL_BASIS, reference=_reference(request)
    )
    rows = result.report["rows"]
    levels = {c: g["name"] for c, g in result.report["generalization"].items()}
    return Shared(
        row_id, to.id, request.dataset, rows["in"], rows["out"], subjects, k, l_div,
        risk_max, digest, levels,
    )  # fmt: skip


def release_file(rt: Runtime, request: Request, out: Path) -> Shared:
    """`export` as the anonymized-export job, to a file beside `out` that takes its name only
    once the register row has committed: a refusal or a failed commit leaves no file, and no
    file exists without its disclosure."""
    store = Store(rt.settings.telemetry_root)
    with (
        csvio.staged([out]) as (temp,),
        rt.job("anonymized_export", Purpose.MARKET_RESEARCH) as ctx,  # commits first
    ):
        return export(ctx, store, request, temp)


def _reference(request: Request) -> str:
    parts = [f"anonymized {request.dataset}", f"k={request.k}"]
    if request.l is not None:
        parts.append(f"l={request.l}")
    if request.survey_id:
        parts.append(f"survey {request.survey_id}")
    return ", ".join(parts)
