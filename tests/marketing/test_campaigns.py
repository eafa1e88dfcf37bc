"""P03 marketing: a campaign reaches the customers who did not object, once, through the
outbox and a real SMTP server; the marketing role sees counts, never an address (B01)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from imbplus.compliance import rights
from imbplus.errors import AccessDenied, Conflict, ValidationFailed
from imbplus.marketing import audience as aud
from imbplus.marketing import objections, service
from imbplus.marketing.models import Campaign, CampaignRecipient
from imbplus.notify.models import OutboxMessage
from imbplus.portal import mail
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.marketing.support import TEXTS, approved_campaign, as_staff, marketer, send
from tests.support.cli import imbplus
from tests.support.factories import make_customer, make_device
from tests.support.shop import place_order, setup_shop
from tests.support.smtp import Mailbox


def _object(rt: Runtime, customer_id: str, channel: str = "portal") -> None:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.customer(customer_id), Purpose.DATA_SUBJECT_REQUEST)
        objections.object_to_marketing(ctx, customer_id, channel)


def test_p03_a_campaign_goes_once_to_those_who_did_not_object(
    rt: Runtime, settings: object, smtp: Mailbox
) -> None:
    stays, portal, request = make_customer(rt), make_customer(rt), make_customer(rt)
    campaign_id = approved_campaign(rt)
    _object(rt, portal.id)
    with rt.job("cli", Purpose.DATA_SUBJECT_REQUEST) as ctx:  # B01: a request objects at once
        rights.open_request(ctx, request.id, "objection", "post")
    done = imbplus(settings, "marketing", "send", campaign_id)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    assert "queued 1 messages; 2 customers objected" in done.stdout
    assert mail.deliver_due(rt).sent == 1
    assert smtp.to(portal.email) == [] and smtp.to(request.email) == []
    (message,) = smtp.to(stays.email)
    text = smtp.text(message)
    assert "Mecze na żywo w HD." in text and "Live matches in HD." in text
    assert re.search(r"/unsubscribe\?token=\S+", text)
    again = imbplus(settings, "marketing", "send", campaign_id)  # type: ignore[arg-type]
    assert again.returncode == 2 and again.stderr.strip().startswith("error:")
    assert "sent already" in again.stderr
    with rt.sessions() as s:
        campaign = s.get(Campaign, campaign_id)
        assert campaign is not None and (campaign.status, campaign.queued) == ("sent", 1)
        assert campaign.excluded == 2
        channels = {o.channel for o in s.execute(select(objections.Objection)).scalars()}
    assert channels == {"portal", "request:post"}


def test_p03_running_the_send_again_reaches_nobody_twice(rt: Runtime) -> None:
    first, second = make_customer(rt), make_customer(rt)
    campaign_id = approved_campaign(rt)
    with rt.unit_of_work() as s:  # an earlier run got as far as the first customer
        s.add(
            CampaignRecipient(
                campaign_id=campaign_id,
                customer_id=first.id,
                queued_at=s.get(Campaign, campaign_id).created_at,
            )
        )  # type: ignore[union-attr]
    report = send(rt, campaign_id)
    assert (report.queued, report.already) == (1, 1)
    with rt.sessions() as s:
        queued = list(s.execute(select(OutboxMessage.customer_id)).scalars())
    assert queued == [second.id]
    with pytest.raises(Conflict, match="sent already"):
        send(rt, campaign_id)


def test_p03_an_objection_after_queueing_stops_the_message(rt: Runtime, smtp: Mailbox) -> None:
    late = make_customer(rt)
    send(rt, approved_campaign(rt))
    _object(rt, late.id, "link")
    with rt.sessions() as s:
        assert s.execute(select(OutboxMessage.status)).scalar_one() == "cancelled"
    assert mail.deliver_due(rt).sent == 0 and smtp.messages == []


def test_p03_the_author_does_not_approve_and_a_draft_is_not_sent(rt: Runtime) -> None:
    setup_shop(rt)
    author = marketer(rt)
    with rt.unit_of_work() as s:
        campaign = service.create(as_staff(rt, s, author), TEXTS, {})
        campaign_id = campaign.id
        with pytest.raises(AccessDenied, match="other than its author"):
            service.approve(as_staff(rt, s, author), campaign_id)
    with pytest.raises(Conflict, match="approved before"):
        send(rt, campaign_id)


@pytest.mark.parametrize(
    ("texts", "audience", "fields"),
    [
        (TEXTS.__class__("x", " ", "b", "s", "b"), {}, {"subject_pl"}),
        (TEXTS.__class__("x", "a\nBcc: x", "b", "s", "b"), {}, {"subject_pl"}),
        (TEXTS, {"package": "pkg-nope"}, {"package"}),
        (TEXTS, {"region": "atlantis", "has_box": "maybe"}, {"region", "has_box"}),
        (TEXTS, {"min_tenure_months": "-3"}, {"min_tenure_months"}),
        (TEXTS.__class__("", "s", "b" * 5001, "s", "b"), {}, {"campaign_name", "body_pl"}),
    ],
)
def test_p03_bad_input_is_named_and_nothing_is_written(
    rt: Runtime, texts: service.Texts, audience: dict[str, object], fields: set[str]
) -> None:
    setup_shop(rt)
    actor = marketer(rt)
    with rt.unit_of_work() as s, pytest.raises(ValidationFailed) as refused:
        service.create(as_staff(rt, s, actor), texts, audience)
    assert {p["field"] for p in refused.value.details["fields"]} == fields
    with rt.sessions() as s:
        assert s.execute(select(func.count()).select_from(Campaign)).scalar_one() == 0


def test_p03_the_audience_filters_package_box_voivodeship_and_tenure(rt: Runtime) -> None:
    setup_shop(rt)
    krakow, gdansk = (
        make_customer(rt),
        make_customer(
            rt, address={"street": "ul. Długa 1", "postal_code": "80-001", "city": "Gdańsk"}
        ),
    )
    place_order(rt, krakow.id, ("pkg-family", 1))
    make_device(rt, gdansk.id)
    with rt.job("marketing", Purpose.MARKETING) as job:

        def match(**raw: object) -> set[str]:
            return set(aud.matching(job, aud.parse(job, raw)))

        assert match() == {krakow.id, gdansk.id}
        assert match(package="pkg-family") == {krakow.id}
        assert match(has_box="yes") == {gdansk.id}
        assert match(region="pomorskie") == {gdansk.id}
        assert match(region="małopolskie", has_box="no") == {krakow.id}
        assert match(min_tenure_months=1) == set()


def test_p03_the_marketing_role_sees_counts_and_never_an_address(rt: Runtime) -> None:
    customers = [make_customer(rt) for _ in range(6)]
    _object(rt, customers[0].id)
    setup_shop(rt)
    actor = marketer(rt)
    with rt.unit_of_work() as s:
        ctx = as_staff(rt, s, actor)
        counts = service.preview(ctx, aud.Audience())
        assert (counts.matching, counts.objected, counts.eligible) == (6, None, 5)
        small = service.preview(ctx, aud.parse(ctx, {"region": "pomorskie"}))
        assert small.matching == 0
        with pytest.raises(AccessDenied):
            ctx.check(Action.READ, {Category.CONTACT}, operation="t", subjects=[customers[1].id])
    with rt.sessions() as s:
        seen = s.execute(
            select(func.count()).where(
                AuditRecord.actor_kind == "staff",
                AuditRecord.result == "allowed",
                AuditRecord.categories.like("%contact%"),
            )
        ).scalar_one()
    assert seen == 0
