"""The `imbplus` command: one module per command group."""

from __future__ import annotations

import typer

from imbplus.cli import (
    access,
    audit,
    backup,
    billing,
    canary,
    catalog,
    demo,
    devices,
    evidence,
    incidents,
    keys,
    outbox,
    policy,
    processors,
    retention,
    rights,
    ropa,
    seed,
    serve,
    setup,
    shipping,
    shop,
    staff,
    surveys,
    telemetry,
    traffic,
)
from imbplus.cli.errors import CommandLine

app = typer.Typer(
    name="imbplus",
    help="IMB+ customer-information system: the privacy policy kept in code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=CommandLine,
)
setup.register(app)
serve.register(app)
demo.register(app)
catalog.register(app)
evidence.register(app)
ropa.register(app)
seed.register(app)
app.add_typer(access.app, name="access")
app.add_typer(audit.app, name="audit")
app.add_typer(backup.app, name="backup")
app.add_typer(incidents.app, name="incidents")
app.add_typer(keys.app, name="keys")
app.add_typer(rights.app, name="rights")
app.add_typer(retention.app, name="retention")
app.add_typer(staff.app, name="staff")
app.add_typer(policy.app, name="policy")
app.add_typer(surveys.app, name="surveys")
app.add_typer(traffic.app, name="traffic")
app.add_typer(devices.app, name="devices")
app.add_typer(telemetry.app, name="telemetry")
app.add_typer(shop.app, name="shop")
app.add_typer(billing.app, name="billing")
app.add_typer(canary.app, name="canary")
app.add_typer(shipping.app, name="shipping")
app.add_typer(outbox.app, name="outbox")
app.add_typer(processors.app, name="processors")


def main() -> None:
    app()  # CommandLine.main answers a user's mistake with one line and exit 2
