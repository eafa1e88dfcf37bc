"""Campaigns for the marketing tests: written by one marketing employee, approved by another."""

from __future__ import annotations

from imbplus.marketing import service
from imbplus.marketing.models import Campaign
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from tests.support.factories import make_staff
from tests.support.shop import setup_shop

TEXTS = service.Texts(
    "Sport HD",
    "Nowy pakiet sportowy",
    "Mecze na żywo w HD.",
    "A new sports package",
    "Live matches in HD.",
)


def marketer(rt: Runtime) -> Actor:
    staff, _ = make_staff(rt, "marketing")
    return Actor.staff(staff.id, ["marketing"])


def as_staff(rt: Runtime, session: object, actor: Actor) -> Context:
    return Context(session, rt, actor, Purpose.MARKETING)  # type: ignore[arg-type]


def approved_campaign(rt: Runtime, **audience: object) -> str:
    """A campaign created and approved by two marketing employees; the shop (packages, the
    sandbox mail relay's contract) is set up first."""
    setup_shop(rt)
    author, approver = marketer(rt), marketer(rt)
    with rt.unit_of_work() as s:
        campaign: Campaign = service.create(as_staff(rt, s, author), TEXTS, dict(audience))
        service.approve(as_staff(rt, s, approver), campaign.id)
        return campaign.id


def send(rt: Runtime, campaign_id: str) -> service.SendReport:
    with rt.job("marketing", Purpose.MARKETING) as ctx:
        return service.send(ctx, campaign_id)
