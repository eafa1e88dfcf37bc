"""The gate (P03, P11): who asks, why, and for what; decided by the policy, always audited.

A caller states an actor, a purpose and the data categories it needs. Decisions come from
the casbin model and the DPO-readable policy file shipped next to this module, plus one
rule of the gate itself: a customer reaches only their own record. Every decision is
queued for the audit log (refusals survive a rollback); a refusal raises `AccessDenied`
carrying role, purpose and category, never data. Personal values are decrypted only under
a decision: `Context.reveal*` check, audit and decrypt in one call (see `reveal.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import casbin
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import AccessDenied
from imbplus.privacy import audit
from imbplus.privacy.catalog import Action, ActorKind, Category, Purpose
from imbplus.privacy.crypto import key_ref
from imbplus.privacy.reveal import BY_GATE, Grant, TableRef, categories_for, table_name

if TYPE_CHECKING:
    from imbplus.privacy.crypto import Keyring
    from imbplus.settings import Settings


class Platform(Protocol):
    """What a unit of work needs from its process: the settings, the gate, the keyring and
    the audit checkpoint (`imbplus.runtime.Runtime` provides them; the core never sees it)."""

    settings: Settings
    checkpoint: audit.Checkpoint

    @property
    def gate(self) -> Gate: ...

    @property
    def keyring(self) -> Keyring: ...


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str
    roles: tuple[str, ...]
    # Processors only (P04): the (category, purpose) pairs their contract allows.
    scope: frozenset[tuple[Category, Purpose]] | None = None

    @property
    def label(self) -> str:
        return f"{self.kind.value}:{self.id}"

    @property
    def own_record_only(self) -> bool:
        return self.kind is ActorKind.CUSTOMER

    def reaches(self, subject: str | None) -> bool:
        """The gate's own-record rule: a customer reaches their own record and nobody else's;
        other actors are limited by the policy alone."""
        return not self.own_record_only or subject == self.id

    def whose(self, asked: str | None) -> str | None:
        """Whose records a listing shows, by the same rule: a customer's own whatever was
        asked for; for anyone else, the customer asked for (or everyone)."""
        return self.id if self.own_record_only else asked

    @classmethod
    def staff(cls, staff_id: int | str, roles: Iterable[str]) -> Actor:
        return cls(ActorKind.STAFF, str(staff_id), tuple(sorted(roles)))

    @classmethod
    def customer(cls, customer_id: str) -> Actor:
        return cls(ActorKind.CUSTOMER, customer_id, ("customer",))

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(ActorKind.SYSTEM, job, (f"system:{job}",))


@dataclass
class Context:
    """One unit of work on behalf of an actor, for one declared purpose."""

    session: Session
    platform: Platform
    actor: Actor
    purpose: Purpose
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @cached_property
    def keyring(self) -> Keyring:
        return self.platform.keyring

    def check(
        self,
        action: Action,
        categories: Iterable[Category],
        *,
        operation: str,
        subjects: Sequence[str | None] = (None,),
        reason: str | None = None,
    ) -> Grant:
        """Decide and audit (one record per subject); the grant opens those categories."""
        return self.platform.gate.check(
            self, action, categories, operation=operation, subjects=subjects, reason=reason
        )

    def may(self, action: Action, categories: Iterable[Category]) -> bool:
        """Whether the policy lets this actor's roles do `action` on every category for
        this purpose: a question asked before offering something (a section of a page),
        neither a decision nor audited; the read itself goes through `check`."""
        gate = self.platform.gate
        return all(
            any(gate.allows(role, c, self.purpose, action) for role in self.actor.roles)
            and (self.actor.scope is None or (c, self.purpose) in self.actor.scope)
            for c in categories
        )

    def reveal(
        self,
        table: TableRef,
        row: Any,
        columns: Sequence[str],
        *,
        operation: str,
        subject: str | None,
        action: Action = Action.READ,
        key: str = "id",
        empty: str | None = None,
        reason: str | None = None,
    ) -> list[str]:
        """Check, audit, then decrypt `columns` of `row` (whose data `subject` it is), with
        the categories the catalogue gives those columns. See `Grant.reveal`."""
        return self._decide(table, columns, (row,), action, operation, [subject], reason).reveal(
            table, row, columns, key=key, empty=empty
        )

    def reveal_one(
        self,
        table: TableRef,
        row: Any,
        column: str,
        *,
        operation: str,
        subject: str | None,
        action: Action = Action.READ,
        key: str = "id",
        empty: str | None = None,
        reason: str | None = None,
    ) -> str:
        return self.reveal(
            table,
            row,
            (column,),
            operation=operation,
            subject=subject,
            action=action,
            key=key,
            empty=empty,
            reason=reason,
        )[0]

    def reveal_rows(
        self,
        table: TableRef,
        rows: Sequence[Any],
        columns: Sequence[str],
        *,
        operation: str,
        subjects: Sequence[str | None],
        action: Action = Action.READ,
        key: str = "id",
        empty: str | None = None,
        reason: str | None = None,
    ) -> list[list[str]]:
        """`reveal` for many rows: one decision, one audit record per subject (as `check`),
        even when there are no rows."""
        return self._decide(table, columns, rows, action, operation, subjects, reason).reveal_rows(
            table, rows, columns, key=key, empty=empty
        )

    def unwrap_keys(
        self, blobs: Iterable[bytes], *, operation: str, keys_in: Session | None = None
    ) -> int:
        """Prove that the data keys these values name unwrap with the master key at hand,
        decrypting none of the values (restore drills: `keys_in` is the restored copy);
        checked and audited as a read of key material. Returns how many were checked."""
        self.check(Action.READ, {Category.KEY_MATERIAL}, operation=operation)
        count = 0
        for blob in blobs:
            self.keyring.check_unwrap(keys_in or self.session, *key_ref(blob))
            count += 1
        return count

    def _decide(
        self,
        table: TableRef,
        columns: Sequence[str],
        rows: Sequence[Any],
        action: Action,
        operation: str,
        subjects: Sequence[str | None],
        reason: str | None,
    ) -> Grant:
        categories = categories_for(table_name(table), tuple(columns), rows)
        return self.check(action, categories, operation=operation, subjects=subjects, reason=reason)

    def note(
        self,
        operation: str,
        *,
        subject: str | None = None,
        result: str = "done",
        categories: str = "",
        reason: str | None = None,
    ) -> None:
        """Audit an event that is not an access decision (a job step, a state change)."""
        audit.queue(
            self.session,
            [
                self._entry(
                    operation, categories, subject, result, reason, ",".join(self.actor.roles)
                )
            ],
        )

    def _entry(
        self,
        operation: str,
        categories: str,
        subject: str | None,
        result: str,
        reason: str | None,
        role: str,
        keep: bool = False,
        ts_us: int | None = None,
    ) -> audit.Entry:
        return audit.Entry(
            actor_kind=self.actor.kind.value,
            actor_id=self.actor.id,
            actor_role=role,
            purpose=self.purpose.value,
            categories=categories,
            subject_id=subject,
            action=operation,
            result=result,
            reason=reason,
            request_id=self.request_id,
            ts_us=ts_us or clock.now_us(),
            keep_on_rollback=keep,
        )


def _policy_dir() -> Path:
    return Path(str(resources.files("imbplus.privacy") / "policy"))


class Gate:
    def __init__(self, model_path: Path | None = None, policy_path: Path | None = None) -> None:
        base = _policy_dir()
        self.model_path = model_path or base / "model.conf"
        self.policy_path = policy_path or base / "access.csv"
        self._enforcer = casbin.Enforcer(str(self.model_path), str(self.policy_path))
        self._decisions: dict[tuple[str, str, str, str], bool] = {}

    def allows(self, role: str, category: Category, purpose: Purpose, action: Action) -> bool:
        key = (role, category.value, purpose.value, action.value)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decisions[key] = bool(self._enforcer.enforce(*key))
        return decision

    def rules(self) -> list[tuple[str, str, str, str]]:
        return [(r[0], r[1], r[2], r[3]) for r in self._enforcer.get_policy()]

    def purposes_for(self, roles: Iterable[str]) -> list[Purpose]:
        wanted = set(roles)
        found = {Purpose(r[2]) for r in self.rules() if r[0] in wanted}
        return [p for p in Purpose if p in found]

    def check(
        self,
        ctx: Context,
        action: Action,
        categories: Iterable[Category],
        *,
        operation: str,
        subjects: Sequence[str | None] = (None,),
        reason: str | None = None,
    ) -> Grant:
        cats = sorted(set(categories))
        cat_text = ",".join(c.value for c in cats)
        role_used, denied, refusal = self._decide(ctx, action, cats, subjects)
        roles_text = ",".join(ctx.actor.roles)
        if denied is not None:
            audit.queue(
                ctx.session,
                [
                    ctx._entry(
                        operation,
                        cat_text,
                        s,
                        "denied",
                        f"{refusal}: {denied.value}",
                        roles_text,
                        keep=True,
                    )
                    for s in subjects
                ],
            )
            raise AccessDenied(
                f"{roles_text} may not {action.value} {denied.value} for {ctx.purpose.value}",
                role=roles_text,
                purpose=ctx.purpose.value,
                category=denied.value,
                action=action.value,
                reason=refusal,
            )
        now = clock.now_us()
        role = role_used or roles_text
        audit.queue(
            ctx.session,
            [
                ctx._entry(operation, cat_text, s, "allowed", reason, role, ts_us=now)
                for s in subjects
            ],
        )
        return Grant(ctx, action, frozenset(cats), operation, subjects, issued_by=BY_GATE)

    def _decide(
        self,
        ctx: Context,
        action: Action,
        cats: list[Category],
        subjects: Sequence[str | None],
    ) -> tuple[str | None, Category | None, str]:
        """(the role that allows it, the category refused, why): role x purpose x category
        from the policy, a processor's contract scope, then the own-record rule."""
        actor = ctx.actor
        role_used: str | None = None
        for cat in cats:
            allowing = [r for r in actor.roles if self.allows(r, cat, ctx.purpose, action)]
            if actor.scope is not None and (cat, ctx.purpose) not in actor.scope:
                return None, cat, "outside the processor's contract"
            if not allowing:
                return None, cat, "not allowed by the access policy"
            role_used = role_used or allowing[0]
        if not all(actor.reaches(s) for s in subjects):
            return None, cats[0] if cats else Category.REFERENCE, "not the customer's own record"
        return role_used, None, ""
