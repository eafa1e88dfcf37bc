"""The chain stays intact when several units of work append at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from imbplus.privacy import audit
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime


def test_p11_concurrent_appends_keep_one_unbroken_chain(rt: Runtime) -> None:
    with rt.sessions() as s:
        start = audit.count(s)

    def work(worker: int) -> None:
        for i in range(15):
            with rt.unit_of_work() as s:
                ctx = Context(s, rt, Actor.staff(worker, ["support"]), Purpose.SERVICE_DELIVERY)
                ctx.check(
                    Action.READ,
                    {Category.IDENTITY},
                    operation="customer.read",
                    subjects=[f"w{worker}-{i}", f"w{worker}-{i}b"],
                )

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
    with rt.sessions() as s:
        result = audit.verify(s, rt.checkpoint)
        assert audit.count(s) - start == 4 * 15 * 2
    assert result.ok, result.problem
    assert rt.checkpoint.read() == (result.head_seq, _head_hash(rt))


def _head_hash(rt: Runtime) -> str:
    from imbplus.privacy.models import AuditHead

    with rt.sessions() as s:
        head = s.get(AuditHead, 1)
        assert head is not None
        return head.hash
