"""One request from a (fictitious) authority, fulfilled the way staff would do it (P07): the
DPO enters it, a second DPO (the deputy, `dpo2`: a second factor, and no password until
one is set with `imbplus staff password --username dpo2`) approves it, and the bundle is
written and recorded as a disclosure. It is about the demo subscriber, without a bar, so
that the portal's "who saw my data" shows it. Done once: running the demo again adds
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.compliance import authority, authority_bundle
from imbplus.privacy import releases
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.authority_requests import AuthorityRequest
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import AUTHORITY
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff import service as staff_service
from imbplus.staff.models import Staff
from imbplus.telemetry.store import Store

POLICE = "policja-demo"
DEPUTY = "dpo2"
BASIS = "art. 20c ust. 1 ustawy o Policji"


def _dpo(rt: Runtime, username: str) -> Actor:
    with rt.sessions() as s:
        staff = s.execute(select(Staff).where(Staff.username == username)).scalar_one()
        return Actor.staff(staff.id, staff.role_names)


def _ready(rt: Runtime) -> None:
    """The fictitious authority and the deputy DPO, once."""
    with rt.sessions() as s:
        known = s.get(releases.Recipient, POLICE) is not None
        deputy = s.execute(select(Staff.id).where(Staff.username == DEPUTY)).first()
    if not known:
        with rt.job("disclosures", Purpose.SECURITY) as ctx:
            releases.add_recipient(
                ctx, POLICE, "Komenda Powiatowa Policji (fikcyjna)", AUTHORITY, BASIS
            )
    if deputy is None:
        with rt.job("demo", Purpose.SECURITY) as ctx:
            staff, _token = staff_service.add(
                ctx, name="Demo DPO deputy", roles=["dpo"], username=DEPUTY
            )
            mfa.enrol_directly(ctx, staff)  # every account that sees personal data has 2FA


def fulfilled_request(rt: Runtime, subscriber_id: str) -> None:
    with rt.sessions() as s:
        if s.execute(select(func.count()).select_from(AuthorityRequest)).scalar_one():
            return
    _ready(rt)
    today = clock.now().date().isoformat()
    draft = authority.Draft(
        POLICE, "RSD-123/26 (demo)", BASIS, today, [subscriber_id],
        ["identity", "address", "stb_device"], notes="Demo request (fictitious).",
    )  # fmt: skip
    store = Store(rt.settings.telemetry_root)
    dpo, deputy = _dpo(rt, "dpo"), _dpo(rt, DEPUTY)
    with rt.unit_of_work() as session:
        number = authority.add(Context(session, rt, dpo, Purpose.LEGAL_OBLIGATION), draft).id
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, deputy, Purpose.LEGAL_OBLIGATION)
        authority.decide(ctx, number, approve=True, reason="court order (demo)")
    with rt.unit_of_work() as session:
        authority_bundle.fulfil(Context(session, rt, dpo, Purpose.LEGAL_OBLIGATION), number, store)
