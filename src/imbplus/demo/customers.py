"""Realistic fictitious Polish customers, created through the customers service."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from faker import Faker

from imbplus.customers import service
from imbplus.customers import validation as v
from imbplus.customers.schemas import AddressIn, CustomerCreate
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime

DOMAINS = ("wp.pl", "onet.pl", "interia.pl", "gmail.com", "o2.pl", "op.pl", "example.pl")
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
    created = 0
    pending = list(fake_customers(count))
    for start in range(0, len(pending), batch):
        with rt.job("demo", Purpose.SERVICE_DELIVERY) as ctx:
            for data in pending[start : start + batch]:
                service.create(ctx, data)
                created += 1
        if advance:
            advance(min(batch, len(pending) - start))
    return created
