"""Demo steps for the checks of what the operator hands to processors and the regulator:
an API credential for the sandbox carrier (P04) and this year's regulatory report (P03),
each once, so that their evidence checks look at something."""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.compliance import regulatory
from imbplus.privacy import releases
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import AUTHORITY, Disclosure
from imbplus.processors import credentials
from imbplus.processors.models import ProcessorCredential
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store

CARRIER = "sandbox-carrier"
REGULATOR_NAME = "Prezes Urzędu Komunikacji Elektronicznej"


def carrier_credential(rt: Runtime) -> None:
    """The sandbox carrier's feed credential, within its contract (the token is not kept:
    the demo only shows that one exists and what it may read)."""
    with rt.sessions() as s:
        if s.execute(select(func.count()).select_from(ProcessorCredential)).scalar_one():
            return
    with rt.job("disclosures", Purpose.SECURITY) as ctx:
        credentials.issue(ctx, CARRIER)


def regulatory_report(rt: Runtime) -> None:
    """This year's report to the regulator, written under the data directory."""
    settings = rt.settings
    with rt.sessions() as s:
        done = s.execute(
            select(func.count()).where(Disclosure.dataset == releases.REGULATORY_REPORT)
        ).scalar_one()
        known = s.get(releases.Recipient, settings.regulatory_recipient) is not None
    if done:
        return
    if not known:
        with rt.job("disclosures", Purpose.SECURITY) as ctx:
            releases.add_recipient(
                ctx, settings.regulatory_recipient, REGULATOR_NAME, AUTHORITY,
                settings.regulatory_legal_basis,
            )  # fmt: skip
    out = settings.data_dir / "reports" / "regulatory"  # where the console page keeps them
    out.mkdir(parents=True, exist_ok=True)
    with rt.job("regulatory_report", Purpose.REGULATORY_COMPLIANCE) as ctx:
        regulatory.write(
            ctx,
            Store(settings.telemetry_root),
            year=clock.now().year,
            out_dir=out,
            recipient_id=settings.regulatory_recipient,
            legal_basis=settings.regulatory_legal_basis,
            threshold=settings.regulatory_threshold,
            skip=regulatory.left_out(ctx),
        )
