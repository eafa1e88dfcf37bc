"""Who a campaign is for: a filter on attributes that are not contact data (P03).

Package (an active subscription), whether the customer has a box, voivodeship (from the
postal code) and tenure. The marketing role chooses the filter and sees only how many
customers match; the matching runs as the send job (`system:marketing`, purpose
`marketing`), which may read the postal code for the voivodeship and nothing else. Customers
who objected to marketing (B01) are never in an audience.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

from imbplus.anonymize.postal import VOIVODESHIPS, voivodeship
from imbplus.clock import clock
from imbplus.customers import cohorts
from imbplus.customers import service as customers
from imbplus.devices import service as devices
from imbplus.errors import ValidationFailed
from imbplus.marketing import objections
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.shop import catalog, subscriptions

REGIONS = tuple(sorted(set(VOIVODESHIPS.values())))
HAS_BOX = ("", "yes", "no")
MAX_TENURE_MONTHS = 600
JOB = "marketing"
# fewer matching customers than this are shown as "fewer than N", never as a number
SMALL_COUNT = 5


@dataclass(frozen=True)
class Audience:
    package: str = ""  # a package's product id; "" for any
    has_box: str = ""  # yes | no | "" for any
    region: str = ""  # a voivodeship; "" for any
    min_tenure_months: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Audience:
        return cls(**json.loads(text))


def parse(ctx: Context, raw: Mapping[str, object]) -> Audience:
    """A filter from form or command-line values; unknown values are refused by name."""
    problems: list[dict[str, str]] = []
    package = str(raw.get("package") or "").strip()
    packages = {p.id for p in catalog.list_products(ctx.session, kind="package")}
    if package and package not in packages:
        problems.append({"field": "package", "problem": "unknown package"})
    has_box = str(raw.get("has_box") or "").strip()
    if has_box not in HAS_BOX:
        problems.append({"field": "has_box", "problem": "not one of the options"})
    region = str(raw.get("region") or "").strip()
    if region and region not in REGIONS:
        problems.append({"field": "region", "problem": "unknown voivodeship"})
    tenure_raw = raw.get("min_tenure_months")
    tenure = 0
    if tenure_raw not in (None, ""):
        text = str(tenure_raw).strip()
        if not text.isdigit() or int(text) > MAX_TENURE_MONTHS:
            problems.append(
                {"field": "min_tenure_months", "problem": f"between 0 and {MAX_TENURE_MONTHS}"}
            )
        else:
            tenure = int(text)
    if problems:
        raise ValidationFailed(problems)
    return Audience(package, has_box, region, tenure)


def job_context(ctx: Context) -> Context:
    """The send job's context in the caller's unit of work: it matches and mails, the
    caller only learns how many."""
    return Context(ctx.session, ctx.platform, Actor.system(JOB), Purpose.MARKETING, ctx.request_id)


def _months(since: datetime, now: datetime) -> int:
    return (now.year - since.year) * 12 + now.month - since.month - (now.day < since.day)


def matching(job: Context, audience: Audience) -> list[str]:
    """Active customers who fit the filter, objectors included (see `split`)."""
    now = clock.now()
    if audience.region:
        found = customers.postal_codes(job, operation="marketing.audience")
        joined = [
            (cid, at) for cid, code, at in found if code and voivodeship(code) == audience.region
        ]
    else:
        joined = cohorts.active_joined(job)
    ids = [cid for cid, at in joined if _months(at, now) >= audience.min_tenure_months]
    if audience.package:
        packages = subscriptions.active_packages(job.session)
        ids = [cid for cid in ids if packages.get(cid) == audience.package]
    if audience.has_box:
        boxed = devices.customers_with_box(job.session)
        ids = [cid for cid in ids if (cid in boxed) == (audience.has_box == "yes")]
    return ids


@dataclass(frozen=True)
class Split:
    eligible: list[str]
    objected: int


def split(job: Context, audience: Audience) -> Split:
    """The customers a campaign may go to, and how many matching ones objected."""
    ids = matching(job, audience)
    against = objections.objected_among(job.session, ids)
    return Split([cid for cid in ids if cid not in against], len(against))


def shown(count: int) -> int | None:
    """A count the marketing role may see; None when it is under the small-count guard."""
    return count if count == 0 or count >= SMALL_COUNT else None
