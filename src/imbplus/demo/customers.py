"""Realistic fictitious Polish customers, created through the customers service."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator

from faker import Faker
from sqlalchemy import func, select

from imbplus.customers import service
from imbplus.customers import validation as v
from imbplus.customers.models import Customer
from imbplus.customers.schemas import AddressIn, CustomerCreate
from imbplus.portal import service as portal
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime

# Reserved for examples (RFC 2606): no demo message can reach a real mailbox
DOMAINS = ("example.com", "example.org", "example.net", "poczta.example.com", "mail.example.org")
_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def fake_customers(count: int, seed: int = 2026) -> Iterator[CustomerCreate]:
    fake = Faker("pl_PL")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        first, last = fake.first_name(), fake.last_name()
        local = f"{first}.{last}".lower().translate(_ASCII).replace(" ", "")
        email = f"{local}{rnd.randint(1, 999)}@{rnd.choice(DOMAINS)}"
        if email in seen:
            continue
        try:
            phone = v.phone(fake.phone_number())
        except ValueError:
            phone = "+48" + str(rnd.randint(500_000_000, 899_999_999))
        seen.add(email)
        yield CustomerCreate(
            name=f"{first} {last}",
            email=email,
            phone=phone,
            address=AddressIn(
                street=fake.street_address(), postal_code=fake.postcode(), city=fake.city()
            ),
        )


def load(
    rt: Runtime, count: int, advance: Callable[[int], None] | None = None, batch: int = 100
) -> int:
    """Create `count` more fictitious customers; people already there (same e-mail) are
    skipped, so it can be called again on a database that has some."""
    from imbplus.errors import Conflict

    with rt.sessions() as s:
        have = int(s.execute(select(func.count()).select_from(Customer)).scalar_one())
    people = fake_customers(count * 2 + 100, seed=2026 + have)
    created = 0
    while created < count:
        done_before = created
        with rt.job("demo", Purpose.SERVICE_DELIVERY) as ctx:
            for data in people:
                try:
                    service.create(ctx, data)  # checks the e-mail before it writes anything
                except Conflict:
                    continue
                created += 1
                if created == count or created - done_before == batch:
                    break
        if advance:
            advance(created - done_before)
        if created == done_before:
            break  # the generator ran dry
    return created


DEMO_SUBSCRIBER = CustomerCreate(
    name="Anna Testowa",
    email="anna.testowa@example.com",
    phone="+48 500 100 200",
    address=AddressIn(street="ul. Przykładowa 1/2", postal_code="00-950", city="Warszawa"),
)


def ensure_demo_subscriber(rt: Runtime) -> str | None:
    """A fictitious subscriber with a portal login; returns the new password, or None when
    the account exists already (passwords are shown once)."""
    with rt.job("demo", Purpose.SERVICE_DELIVERY) as ctx:
        customer_id = service.id_for_login(rt, ctx.session, DEMO_SUBSCRIBER.email)
        if customer_id is None:
            customer_id = service.create(ctx, DEMO_SUBSCRIBER).id
        if portal.has_account(ctx.session, customer_id):
            return None
        password = secrets.token_urlsafe(12)
        portal.open_account(ctx, customer_id, password)
        return password
