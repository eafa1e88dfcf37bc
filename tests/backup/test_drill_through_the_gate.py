"""P11: the restore drill unwraps sampled data keys of the restored copy under a decision
of the gate, audited in the live database next to the drill's result."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.backup import drill as drills
from imbplus.backup import service
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.support.factories import make_customer


def test_p11_the_drills_key_check_is_decided_and_audited(rt: Runtime) -> None:
    make_customer(rt)
    made = service.create(rt, telemetry=False)
    report = drills.run(rt, made.path)
    assert report.passed, report.steps
    with rt.sessions() as s:
        found = {
            r.action: r
            for r in s.execute(
                select(AuditRecord).where(AuditRecord.action.like("backup.drill%"))
            ).scalars()
        }
    unwrap = found["backup.drill_unwrap"]
    assert (unwrap.actor_role, unwrap.purpose, unwrap.categories, unwrap.result) == (
        "system:backup",
        "security",
        "key_material",
        "allowed",
    )
    assert found["backup.drill"].result == "passed"
