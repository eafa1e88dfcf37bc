"""A canary subject for the P05 scan: a fictitious person with unmistakable values, planted
through the normal services exactly as a real customer's data would flow, so that a full
scan of every store for those values in plain text proves that none of them leaks.

Recognisable as a canary: the e-mail domain `canary.imbplus.example` (RFC 2606: never
delivered; the console's masked lists keep the domain), the name "Kanarek Żółtopióry", a UK
drama phone number (Ofcom reserves 07700 900xxx for fiction: no one can be reached at
it), a documentation address (RFC 5737) and a test card number that only a payment sandbox
accepts. The canary orders one box and no package: no subscription, no recurring charge.

Planting (`imbplus canary plant`, and one step of the demo) is idempotent: each step is
done once. The scan (`scan`) reads every store in full: the database (SQLite: the file and
its -wal/-journal bytes and every row; PostgreSQL: every row of every table through
`COPY ... TO STDOUT (FORMAT binary)`), and every file under the data directory, the backup
directory and the telemetry dataset (gzip and Parquet decoded, PostgreSQL dumps read back
with pg_restore), and the error pages of the web application asked with canary values.
A finding names the store and the kind of value, never the value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from imbplus import plugin
from imbplus.privacy.access import Actor, Context, Platform
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime

# -- the canary's values -------------------------------------------------------------------
NAME = "Kanarek Żółtopióry"
SURNAME = "Żółtopióry"
EMAIL = "kanarek.p05@canary.imbplus.example"
PHONE = "+44 7700 900517"  # Ofcom drama range: never a real subscriber
PHONE_E164 = "+447700900517"
STREET = "ul. Świadka Kanarka 517/71"
POSTAL_CODE = "00-517"
CITY = "Kanarkowo"
CARD = "4000 0517 0305 9175"  # passes Luhn; approved by the payment sandbox only
CARD_DIGITS = "4000051703059175"
IP = "198.51.100.173"  # RFC 5737 documentation range
PRODUCT = "stb-hd-s1"  # one box: a shipment, no package, no recurring charge
ORDER_KEY = "canary-p05-order"
JOB = "canary"
KINDS = ("name", "e-mail", "phone", "address", "card number", "IP address")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Needle:
    kind: str
    value: bytes
    bounded: bool = False  # digits: a hit must not sit inside a longer number


def _json_escaped(text: str) -> list[str]:
    """As JSON writes it with ASCII output (`\\u017b`), in lower- and upper-case hex."""
    return [
        "".join(ch if ord(ch) < 128 else f"\\u{ord(ch):04{case}}" for ch in text)
        for case in ("x", "X")
    ]


def needles() -> list[Needle]:
    """Each value in the forms a store may hold it in."""
    out: list[Needle] = []

    def add(kind: str, forms: Iterable[str], *, bounded: bool = False, utf16: bool = False) -> None:
        for form in dict.fromkeys(forms):
            out.append(Needle(kind, form.encode("utf-8"), bounded))
            if utf16:
                out.append(Needle(kind, form.encode("utf-16-le"), bounded))

    surname_nfd = unicodedata.normalize("NFD", SURNAME)
    add(
        "name",
        [
            NAME,
            SURNAME,
            surname_nfd,
            "Zoltopiory",
            "ZOLTOPIORY",
            SURNAME.upper(),
            quote(SURNAME),
            quote(SURNAME).lower(),
            *_json_escaped(SURNAME),
        ],
        utf16=True,
    )
    local = EMAIL.split("@")[0]
    add("e-mail", [EMAIL, EMAIL.upper(), f"{local}%40", quote(EMAIL, safe="")], utf16=True)
    national = PHONE_E164[3:]  # 7700900517
    add("phone", [PHONE_E164, PHONE, "+44 7700 900 517", "07700 900517", "7700 900517"])
    add("phone", [PHONE_E164[1:], "0" + national, national, "0044" + national], bounded=True)
    add("address", [STREET, "Kanarka 517/71", "Kanarka%20517", "Kanarka+517"], utf16=True)
    groups = [CARD_DIGITS[i : i + 4] for i in range(0, 16, 4)]
    add("card number", [CARD_DIGITS, " ".join(groups), "-".join(groups)], bounded=True)
    add("IP address", [IP], bounded=True)
    return out


# -- planting ------------------------------------------------------------------------------
def customer_id(rt: Runtime) -> str | None:
    """The planted canary's customer id (None: not planted, or erased)."""
    with rt.sessions() as s:
        return customer_id_in(rt, s)


def customer_id_in(platform: Platform, session: Session) -> str | None:
    """The canary's customer id in an open session: figures and releases leave it out, as a
    fictitious subject must not count as a customer (blind-index lookup, nothing revealed)."""
    from imbplus.customers import service as customers

    found = customers.id_for_login(platform, session, EMAIL)
    if found is None or found in customers.erased_ids(session):
        return None
    return found


@dataclass
class Planted:
    customer_id: str
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def plant(rt: Runtime) -> Planted:
    """Plant the canary through the services; each step only once."""
    import secrets

    from imbplus.customers import service as customers
    from imbplus.customers.schemas import AddressIn, CustomerCreate
    from imbplus.portal import service as portal

    with rt.job(JOB, Purpose.SERVICE_DELIVERY) as ctx:
        cid = customers.id_for_login(rt, ctx.session, EMAIL)
        fresh = cid is None
        if cid is None:
            data = CustomerCreate(
                name=NAME,
                email=EMAIL,
                phone=PHONE,
                address=AddressIn(street=STREET, postal_code=POSTAL_CODE, city=CITY),
            )
            cid = customers.create(ctx, data).id
        if not portal.has_account(ctx.session, cid):
            # nobody logs in as the canary but this step: the password is never kept
            password = secrets.token_urlsafe(18)
            portal.open_account(ctx, cid, password)
            fresh = True
        else:
            password = None
    result = Planted(cid)
    if fresh:
        result.done.append("customer record and portal account")
    if password is not None:
        with rt.unit_of_work() as s:  # a portal login from the canary's address
            portal.login(rt, s, EMAIL, password, IP)
        _visit(rt)
        result.done.append("portal login and a visit from its address (request log)")
    _order(rt, cid, result)
    if fresh:
        _feedback(rt)
        result.done.append("feedback with its contact details")
    return result


def _visit(rt: Runtime) -> None:
    from starlette.testclient import TestClient

    create_app = plugin.app_factory()  # imbplus.app.create_app

    with TestClient(
        create_app(runtime=rt), base_url="https://127.0.0.1", client=(IP, 51700)
    ) as web:  # the lifespan's end writes the request log
        web.get("/")


def _order(rt: Runtime, cid: str, result: Planted) -> None:
    from imbplus.shop import catalog, orders
    from imbplus.shop.models import Order
    from imbplus.shop.schemas import OrderCreate

    with rt.sessions() as s:
        if s.execute(
            select(func.count()).select_from(Order).where(Order.customer_id == cid)
        ).scalar_one():
            return
        product = catalog.get_many(s, {PRODUCT}).get(PRODUCT)
    if rt.settings.payment_adapter != "sandbox":
        result.skipped.append("order: the payment adapter is not the sandbox (no test card)")
        return
    if product is None:
        result.skipped.append(f"order: the product {PRODUCT} is not in the catalogue")
        return
    body = OrderCreate.model_validate(
        {
            "customer_id": cid,
            "lines": [{"product_id": PRODUCT, "quantity": 1}],
            "card": {"number": CARD, "exp_month": 5, "exp_year": 2037, "cvv": "517", "save": True},
        }
    )
    try:
        with rt.unit_of_work() as session:  # as the customer in the portal
            ctx = Context(session, rt, Actor.customer(cid), Purpose.BILLING)
            orders.place(ctx, body, ORDER_KEY)
    except Exception as exc:  # said, not hidden: the rest of the canary still stands
        result.skipped.append(f"order: {type(exc).__name__}")
        return
    result.done.append("order paid by card (sandbox), invoice, shipment and its notices")


def _feedback(rt: Runtime) -> None:
    from imbplus.site import feedback
    from imbplus.site.schemas import FeedbackIn

    data = FeedbackIn(
        topic="service",
        message=f"{NAME}, {STREET}, tel. {PHONE}: dekoder działa, dziękuję.",
        email=EMAIL,
        understood=True,
    )
    with rt.job("site", Purpose.SERVICE_IMPROVEMENT) as ctx:  # as the feedback form
        feedback.submit(ctx, data, lang="pl")
