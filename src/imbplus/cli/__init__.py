"""The `imbplus` command: one module per command group, imported when it is used."""

from __future__ import annotations

import typer

import imbplus.domains  # noqa: F401  (plugs the domains in: their registries load on use)
from imbplus.cli.lazy import Entry, LazyCommandLine, single

# One loader per command module: a plain import, so that `imbplus --help` and a light
# command import only their own module (see imbplus.cli.lazy).


def _setup() -> typer.Typer:
    from imbplus.cli import setup

    return single(setup.register)


def _serve() -> typer.Typer:
    from imbplus.cli import serve

    return single(serve.register)


def _demo() -> typer.Typer:
    from imbplus.cli import demo

    return single(demo.register)


def _catalog() -> typer.Typer:
    from imbplus.cli import catalog

    return single(catalog.register)


def _evidence() -> typer.Typer:
    from imbplus.cli import evidence

    return single(evidence.register)


def _anonymize() -> typer.Typer:
    from imbplus.cli import anonymize

    return single(anonymize.register)


def _ropa() -> typer.Typer:
    from imbplus.cli import ropa

    return single(ropa.register)


def _seed() -> typer.Typer:
    from imbplus.cli import seed

    return single(seed.register)


def _access() -> typer.Typer:
    from imbplus.cli import access

    return access.app


def _audit() -> typer.Typer:
    from imbplus.cli import audit

    return audit.app


def _backup() -> typer.Typer:
    from imbplus.cli import backup

    return backup.app


def _incidents() -> typer.Typer:
    from imbplus.cli import incidents

    return incidents.app


def _keys() -> typer.Typer:
    from imbplus.cli import keys

    return keys.app


def _rights() -> typer.Typer:
    from imbplus.cli import rights

    return rights.app


def _retention() -> typer.Typer:
    from imbplus.cli import retention

    return retention.app


def _staff() -> typer.Typer:
    from imbplus.cli import staff

    return staff.app


def _policy() -> typer.Typer:
    from imbplus.cli import policy

    return policy.app


def _surveys() -> typer.Typer:
    from imbplus.cli import surveys

    return surveys.app


def _traffic() -> typer.Typer:
    from imbplus.cli import traffic

    return traffic.app


def _devices() -> typer.Typer:
    from imbplus.cli import devices

    return devices.app


def _telemetry() -> typer.Typer:
    from imbplus.cli import telemetry

    return telemetry.app


def _shop() -> typer.Typer:
    from imbplus.cli import shop

    return shop.app


def _billing() -> typer.Typer:
    from imbplus.cli import billing

    return billing.app


def _canary() -> typer.Typer:
    from imbplus.cli import canary

    return canary.app


def _shipping() -> typer.Typer:
    from imbplus.cli import shipping

    return shipping.app


def _outbox() -> typer.Typer:
    from imbplus.cli import outbox

    return outbox.app


def _processors() -> typer.Typer:
    from imbplus.cli import processors

    return processors.app


def _report() -> typer.Typer:
    from imbplus.cli import report

    return report.app


def _disclosures() -> typer.Typer:
    from imbplus.cli import disclosures

    return disclosures.app


def _marketing() -> typer.Typer:
    from imbplus.cli import marketing

    return marketing.app


def _authority() -> typer.Typer:
    from imbplus.cli import authority

    return authority.app


def _export() -> typer.Typer:
    from imbplus.cli import export

    return export.app


ENTRIES = (
    Entry(
        "init",
        "Create or upgrade the database schema and the keyring (safe to run again).",
        _setup,
        group=False,
    ),
    Entry("serve", "Serve the web application (API, console).", _serve, group=False),
    Entry(
        "demo",
        "init + fictitious Polish customers + one staff account per role + serve.",
        _demo,
        group=False,
    ),
    Entry(
        "catalog",
        "Print the data catalogue: purposes, categories and every stored field (P05).",
        _catalog,
        group=False,
    ),
    Entry(
        "evidence",
        "Run the live checks of every clause (B04), keep the run signed; exit 1 if any "
        "fails or the audit checkpoint is missing or does not verify.",
        _evidence,
        group=False,
    ),
    Entry(
        "anonymize",
        "Generalize the quasi-identifiers to the release of least information loss that is "
        "k-anonymous (and l-diverse, t-close); rows that do not fit are suppressed (P06).",
        _anonymize,
        group=False,
    ),
    Entry(
        "ropa",
        "Record of processing activities (GDPR art. 30), generated from the code (B03).",
        _ropa,
        group=False,
    ),
    Entry(
        "seed",
        "Boxes assigned to fictitious customers, and D days of realistic activity.",
        _seed,
        group=False,
    ),
    Entry("access", "The access policy (who may use what, for which purpose).", _access),
    Entry("audit", "The tamper-evident audit log (P11).", _audit),
    Entry(
        "backup",
        "Backups with a manifest, restore drills, restores that erase again (P11, P13).",
        _backup,
    ),
    Entry("incidents", "Breach detection, incidents and the 72-hour clock (B05).", _incidents),
    Entry("keys", "Encryption keys (P05, P12).", _keys),
    Entry("rights", "Data-subject requests and their one-month deadline (B01).", _rights),
    Entry("retention", "Retention schedule, purges with receipts, legal holds (P13).", _retention),
    Entry("staff", "Employees, their roles and API tokens.", _staff),
    Entry("policy", "Privacy-policy versions per site and language (P15, P22).", _policy),
    Entry("surveys", "Surveys (P19).", _surveys),
    Entry(
        "marketing", "Marketing campaigns to customers who did not object (P03, B01).", _marketing
    ),
    Entry("traffic", "The request log and traffic statistics (P21).", _traffic),
    Entry("devices", "Set-top boxes: registry and device tokens (P02).", _devices),
    Entry("telemetry", "STB activity telemetry: stats, compaction, retention.", _telemetry),
    Entry("shop", "Product catalogue.", _shop),
    Entry("billing", "Monthly billing and charge retries (P03 billing, P20).", _billing),
    Entry(
        "canary", "The canary subject that the P05 evidence check scans every store for.", _canary
    ),
    Entry("shipping", "Shipment records (P09, P13).", _shipping),
    Entry("outbox", "Notification outbox: e-mail and SMS (P08).", _outbox),
    Entry("processors", "Processors and their contracts (P04).", _processors),
    Entry(
        "disclosures",
        "The disclosure register: what left to whom, and the recipients (P01, P06).",
        _disclosures,
    ),
    Entry("report", "Reports to authorities (P03 regulatory compliance).", _report),
    Entry(
        "authority",
        "Requests from public authorities: register, four-eyes approval, bundle (P07).",
        _authority,
    ),
    Entry(
        "export",
        "Anonymized exports for third parties, each on the disclosure register (P06).",
        _export,
    ),
)


class ImbplusCommandLine(LazyCommandLine):
    entries = ENTRIES


app = typer.Typer(
    name="imbplus",
    help="IMB+ customer-information system: the privacy policy kept in code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=ImbplusCommandLine,
)


@app.callback()
def _root() -> None:
    """IMB+ customer-information system: the privacy policy kept in code."""


def main() -> None:
    app()  # CommandLine.main answers a user's mistake with one line and exit 2
