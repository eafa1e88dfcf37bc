"""What a running operator would have done by now, so that every evidence check has
something to look at in the demo (B04): a delivered and sealed shipment, a box PIN, a
survey opt-out, request-log lines, privacy questions (one answered, one open), data-subject
requests (one answered, one open), a marketing campaign sent (an objector left out), a
closed incident, an erased customer and an anonymized export of customers to a fictitious
market-research partner (P06).

Everything goes through the real services, as the people who would do it (the shipping
employee, the subscriber, the DPO), with fictitious people only. Each step is done once:
running the demo again adds nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.compliance import rights
from imbplus.compliance.rights_models import SubjectRequest
from imbplus.customers import service as customers
from imbplus.customers.models import Customer
from imbplus.devices import service as devices
from imbplus.devices.models import StbCredentials
from imbplus.devices.schemas import StbCredentialsSet
from imbplus.marketing import service as campaigns
from imbplus.marketing.models import Campaign
from imbplus.privacy import incidents
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.incident_models import Incident
from imbplus.runtime import Runtime
from imbplus.shipping import service as shipping
from imbplus.shipping.models import Shipment
from imbplus.site import inquiries
from imbplus.site.models import PrivacyInquiry
from imbplus.site.schemas import InquiryIn
from imbplus.staff.models import Staff
from imbplus.surveys import invitations
from imbplus.surveys.models import OptOut
from imbplus.traffic.models import FullRequest
from imbplus.traffic.writer import RequestLogWriter


def _count(rt: Runtime, model: type) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def _staff(rt: Runtime, role: str) -> Actor:
    with rt.sessions() as s:
        staff_id = s.execute(select(Staff.id).where(Staff.username == role)).scalar_one()
    return Actor.staff(staff_id, [role])


def deliver_one(rt: Runtime) -> bool:
    """The shipping employee marks the oldest parcel delivered: its record is sealed."""
    if _count_sealed(rt):
        return False
    with rt.sessions() as s:
        first = s.execute(select(Shipment.id).order_by(Shipment.created_at).limit(1)).scalar()
    if first is None:
        return False
    actor = _staff(rt, "shipping")
    for status in ("handed_over", "delivered"):
        with rt.unit_of_work() as s:
            shipping.change_status(Context(s, rt, actor, Purpose.SHIPMENT_CONTACT), first, status)
    return True


def _count_sealed(rt: Runtime) -> int:
    with rt.sessions() as s:
        query = select(func.count()).select_from(Shipment).where(Shipment.sealed_at.is_not(None))
        return int(s.execute(query).scalar_one())


def pin_and_opt_out(rt: Runtime, subscriber_id: str, other_id: str) -> None:
    """The demo subscriber protects the box with a PIN; another customer opts out of
    surveys for good."""
    if not _count(rt, StbCredentials):
        with rt.unit_of_work() as s:
            ctx = Context(s, rt, Actor.customer(subscriber_id), Purpose.SERVICE_DELIVERY)
            devices.set_stb_credentials(ctx, subscriber_id, StbCredentialsSet(pin="4817"))
    if not _count(rt, OptOut):
        with rt.unit_of_work() as s:
            ctx = Context(s, rt, Actor.customer(other_id), Purpose.MARKET_RESEARCH)
            invitations.opt_out(ctx, other_id)


def requests_logged(rt: Runtime) -> None:
    """Two visits from documentation addresses (RFC 5737, 3849)."""
    if _count(rt, FullRequest):
        return
    writer = RequestLogWriter(rt)
    for address in ("192.0.2.44", "2001:db8::7"):
        writer.record(clock.now_us(), address, "GET", "/", 200, [])
    writer.flush()


def questions_and_requests(rt: Runtime, customer_id: str) -> None:
    """A visitor asks the DPO twice (one answered); a customer asks for a copy of their
    data and then objects to marketing (the copy sent)."""
    dpo = _staff(rt, "dpo")
    if not _count(rt, PrivacyInquiry):
        asked = []
        for topic in ("my_data", "rights"):
            data = InquiryIn(
                name="Gość Demonstracyjny",
                email="gosc.demo@example.org",
                topic=topic,
                message="Pytanie demonstracyjne o przetwarzanie danych.",
            )
            with rt.job("site", Purpose.DATA_SUBJECT_REQUEST) as ctx:  # as the contact form
                asked.append(inquiries.submit(ctx, data, lang="pl").id)
        with rt.unit_of_work() as s:
            ctx = Context(s, rt, dpo, Purpose.DATA_SUBJECT_REQUEST)
            inquiries.answer(ctx, asked[0], "Dziękujemy; odpowiedź demonstracyjna.")
    if not _count(rt, SubjectRequest):
        with rt.unit_of_work() as s:
            ctx = Context(s, rt, dpo, Purpose.DATA_SUBJECT_REQUEST)
            done = rights.open_request(ctx, customer_id, "access", "email")
            rights.open_request(ctx, customer_id, "objection", "portal")
            rights.close_request(ctx, done.id, status="done", outcome="demo: the copy sent")


OFFER = campaigns.Texts(
    "Sport HD (demo)",
    "Nowy pakiet Sport HD",
    "Mecze na żywo w jakości HD, pierwszy miesiąc za 1 zł. (Oferta demonstracyjna.)",
    "The new Sport HD package",
    "Live matches in HD, the first month for PLN 1. (A demo offer.)",
)


def campaign_sent(rt: Runtime) -> None:
    """The send job drafts two offers; the marketing employee approves the first and it is
    sent (objectors left out); the second waits in the console for the tour."""
    if _count(rt, Campaign):
        return
    with rt.job("marketing", Purpose.MARKETING) as ctx:
        first = campaigns.create(ctx, OFFER, {"has_box": "yes"}).id
        campaigns.create(ctx, OFFER, {"min_tenure_months": 0})
    with rt.unit_of_work() as s:
        campaigns.approve(Context(s, rt, _staff(rt, "marketing"), Purpose.MARKETING), first)
    with rt.job("marketing", Purpose.MARKETING) as ctx:
        campaigns.send(ctx, first)


def incident_closed(rt: Runtime) -> None:
    """A drill incident, assessed and closed in time."""
    if _count(rt, Incident):
        return
    signal = incidents.Signal(
        "denial_burst", "demo:drill", "demo: a breach drill, nothing happened", "low", 0
    )
    with rt.job("demo", Purpose.SECURITY) as ctx:
        made = incidents.record(ctx, signal)
    if made is not None:
        with rt.unit_of_work() as s:
            ctx = Context(s, rt, _staff(rt, "dpo"), Purpose.SECURITY)
            incidents.update(ctx, made.id, status="closed", note="demo drill, closed")


def one_erased(rt: Runtime, customer_id: str) -> None:
    """One fictitious customer asked to be erased: the erasure journal records it."""
    with rt.sessions() as s:
        if customers.erased_ids(s):
            return
    with rt.job("erasure", Purpose.DATA_SUBJECT_REQUEST) as ctx:
        customers.erase(ctx, customer_id)


def canary_planted(rt: Runtime) -> None:
    """The P05 canary (compliance/canary.py), planted through the services once."""
    from imbplus.compliance import canary

    canary.plant(rt)


PARTNER = "panel-badawczy-demo"  # fictitious market-research partner (a third party)


def anonymized_export(rt: Runtime) -> None:
    """Customers (k=5) and the demo survey's results (k=5, from fictitious visitors'
    answers) to the fictitious partner, each once: the releases the P06 and P19 checks see."""
    from imbplus.anonymize import AnonymizationError
    from imbplus.compliance import sharing
    from imbplus.demo.surveys import TITLE, answered
    from imbplus.privacy import releases
    from imbplus.privacy.disclosure import THIRD_PARTY, Disclosure
    from imbplus.surveys.models import Survey

    with rt.sessions() as s:
        done = set(
            s.execute(
                select(Disclosure.dataset).where(Disclosure.recipient_kind == THIRD_PARTY)
            ).scalars()
        )
        known = s.get(releases.Recipient, PARTNER) is not None
        survey_id = s.execute(select(Survey.id).where(Survey.title == TITLE)).scalar()
    if not known:
        with rt.job("disclosures", Purpose.SECURITY) as ctx:
            releases.add_recipient(
                ctx, PARTNER, "Panel Badawczy Demo sp. z o.o. (fikcyjny)", THIRD_PARTY,
                "UDO-DEMO-2026/1 (anonymized data only)",
            )  # fmt: skip
    out = rt.settings.data_dir / "exports"
    out.mkdir(parents=True, exist_ok=True)
    wanted = [sharing.Request("customers", PARTNER, k=5, suppress=0.1)]
    if survey_id is not None and "surveys" not in done:
        answered(rt, str(survey_id))
        wanted.append(sharing.Request("surveys", PARTNER, k=5, suppress=0.2, survey_id=survey_id))
    for request in wanted:
        if request.dataset in done:
            continue
        try:
            sharing.release_file(rt, request, out / f"{request.dataset}-anonymized.csv")
        except AnonymizationError:
            continue  # too few rows for k=5: that check stays not exercised


def exercise(rt: Runtime, subscriber_id: str, others: list[str]) -> None:
    """Every step above, once; `others` are fictitious customers other than the subscriber
    (at least three)."""
    deliver_one(rt)
    pin_and_opt_out(rt, subscriber_id, others[0])
    requests_logged(rt)
    questions_and_requests(rt, others[1])
    campaign_sent(rt)
    incident_closed(rt)
    one_erased(rt, others[-1])
    canary_planted(rt)
    anonymized_export(rt)
    from imbplus.demo import authority, oversight

    authority.fulfilled_request(rt, subscriber_id)
    oversight.carrier_credential(rt)
    oversight.regulatory_report(rt)


def run(rt: Runtime, subscriber_email: str) -> str:
    """`exercise` on the demo's own people: the demo subscriber, and customers past the
    first twelve (those have the demo orders). Says what it did."""
    with rt.sessions() as s:
        subscriber = customers.id_for_login(rt, s, subscriber_email)
        others = list(
            s.execute(
                select(Customer.id)
                .where(Customer.status == "active", Customer.id != (subscriber or ""))
                .order_by(Customer.created_at)
                .offset(12)
                .limit(3)
            ).scalars()
        )
    if subscriber is None or len(others) < 3:
        return "demo activity: too few customers to show every evidence check"
    exercise(rt, subscriber, others)
    return (
        "demo activity: a sealed delivery, a box PIN, a survey opt-out, request-log lines, "
        "privacy questions and requests, a marketing campaign, a closed drill incident, "
        "one erased customer, the P05 canary, anonymized customers and survey results to a "
        "fictitious partner, a fulfilled request of a fictitious authority, the carrier's "
        "feed credential, this year's regulatory report"
    )
