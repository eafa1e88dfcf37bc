"""Requests from authorities in tests (P07): an authority, two DPOs, a request through the
real services."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from imbplus.compliance import authority, authority_bundle
from imbplus.privacy import releases
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.authority_requests import AuthorityRequest
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import AUTHORITY
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store
from tests.support.factories import make_staff

POLICE = "kpp-test"
BASIS = "art. 20c ust. 1 ustawy o Policji"


@dataclass(frozen=True)
class Desk:
    """Who works the register in a test: the DPO who enters, the second DPO who decides."""

    rt: Runtime
    entering: Actor
    deciding: Actor
    entering_name: str
    deciding_name: str

    def run(self, actor: Actor, step: Any) -> Any:
        with self.rt.unit_of_work() as session:
            return step(Context(session, self.rt, actor, Purpose.LEGAL_OBLIGATION))

    def enter(self, customers: list[str], **overrides: Any) -> int:
        draft = replace(draft_for(customers), **overrides)
        return int(self.run(self.entering, lambda ctx: authority.add(ctx, draft).id))

    def approve(self, number: int, actor: Actor | None = None) -> None:
        self.run(
            actor or self.deciding,
            lambda ctx: authority.decide(ctx, number, approve=True, reason="court order"),
        )

    def fulfil(self, number: int) -> AuthorityRequest:
        store = Store(self.rt.settings.telemetry_root)
        return self.run(  # type: ignore[no-any-return]
            self.entering, lambda ctx: authority_bundle.fulfil(ctx, number, store)
        )

    def fulfilled(self, customers: list[str], **overrides: Any) -> AuthorityRequest:
        number = self.enter(customers, **overrides)
        self.approve(number)
        return self.fulfil(number)


def draft_for(customers: list[str]) -> authority.Draft:
    return authority.Draft(
        authority=POLICE,
        reference="RSD-77/26",
        legal_basis=BASIS,
        received_on="2026-01-02",
        customers=customers,
        categories=["identity", "address"],
    )


def desk(rt: Runtime) -> Desk:
    with rt.job("disclosures", Purpose.SECURITY) as ctx:
        if ctx.session.get(releases.Recipient, POLICE) is None:
            releases.add_recipient(ctx, POLICE, "Komenda Powiatowa Policji", AUTHORITY, BASIS)
    one, _ = make_staff(rt, "dpo")
    two, _ = make_staff(rt, "dpo")
    return Desk(
        rt,
        Actor.staff(one.id, ["dpo"]),
        Actor.staff(two.id, ["dpo"]),
        one.username,
        two.username,
    )
