from __future__ import annotations

import typer
from sqlalchemy import func, select

import imbplus.app  # noqa: F401  (the live checks ask the web application)
from imbplus.backup import drill as drills
from imbplus.backup import service as backups
from imbplus.bootstrap import init
from imbplus.cli.common import console, phases, runtime
from imbplus.cli.serve import run_server, select_sandboxes
from imbplus.compliance import retention
from imbplus.customers.models import Customer
from imbplus.demo import activity
from imbplus.demo import boxes as seeding
from imbplus.demo import shop as demo_shop
from imbplus.demo import staff as demo_staff
from imbplus.demo.customers import DEMO_SUBSCRIBER, ensure_demo_subscriber, load
from imbplus.demo.policy import load as load_policy
from imbplus.demo.surveys import ensure_demo_survey
from imbplus.devices.models import Device
from imbplus.runtime import Runtime


def devices_have(rt: object) -> bool:
    """Activity was seeded before (boxes exist): a second `demo` adds no more days."""
    from imbplus.runtime import Runtime

    assert isinstance(rt, Runtime)
    with rt.sessions() as session:
        return session.execute(select(func.count()).select_from(Device)).scalar_one() > 0


def show_demo_staff(rt: Runtime, existing: set[str]) -> None:
    """Make the missing demo staff accounts and print their secrets, once."""
    if existing:
        console.print(
            "demo staff accounts exist already (their passwords and TOTP secrets were "
            "shown once); set a new password with `imbplus staff password --username "
            "ROLE`, see the current login code with `imbplus staff totp --username ROLE`"
        )
    if accounts := demo_staff.ensure_demo_staff(rt):
        console.print(
            "[bold]Demo staff accounts[/bold] (shown once; write them down). The console "
            "asks for a code after the password: add the TOTP secret to an authenticator "
            "app, or run `imbplus staff totp --username ROLE`"
        )
        print(f"{'username':<10} {'password':<18} {'TOTP secret':<34} API token")
        for m in accounts:
            print(f"{m.username:<10} {m.password:<18} {m.totp_secret:<34} {m.token}")


def load_customers(rt: Runtime, wanted: int) -> None:
    """Top the fictitious customers up to `wanted`, with a progress bar."""
    with rt.sessions() as session:
        have = session.execute(select(func.count()).select_from(Customer)).scalar_one()
    if have < wanted:
        made = 0
        with phases() as advance:

            def step(n: int) -> None:
                nonlocal made
                made += n
                advance("demo customers", made, wanted - have)

            load(rt, wanted - have, advance=step)
    console.print(f"customers: {max(have, wanted)}")


def show_subscriber_and_survey(rt: Runtime, host: str, port: int) -> None:
    if subscriber_password := ensure_demo_subscriber(rt):
        console.print("[bold]Demo subscriber[/bold] (portal, shown once)")
        print(f"{DEMO_SUBSCRIBER.email}  {subscriber_password}")
    survey_id = ensure_demo_survey(rt)
    console.print(f"demo survey (portal invitation sent): http://{host}:{port}/surveys/{survey_id}")


def load_orders(rt: Runtime) -> None:
    """Orders of the first twelve active customers (catalogue and sandbox processors)."""
    with rt.sessions() as session:
        first = list(
            session.execute(
                select(Customer.id)
                .where(Customer.status == "active")
                .order_by(Customer.created_at)
                .limit(12)
            ).scalars()
        )
    made = demo_shop.load(rt, first)
    console.print(f"demo orders: {made} new (catalogue and sandbox processors ready)")


def back_up(rt: Runtime) -> None:
    backup = backups.create(rt)
    drill = drills.run(rt, backup.path)
    console.print(
        f"backup: {backup.path} (restore drill {'passed' if drill.passed else 'FAILED'}; "
        "`imbplus backup --help`)"
    )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        customers: int = typer.Option(300, min=0, max=100_000, help="Fictitious customers."),
        devices: int = typer.Option(400, min=0, max=100_000, help="Set-top boxes (seeded)."),
        days: int = typer.Option(30, min=1, max=365, help="Days of box activity."),
        serve: bool = typer.Option(True, help="Serve on --host:--port afterwards."),
        host: str = typer.Option("127.0.0.1"),
        port: int = typer.Option(8000, min=1, max=65535),
    ) -> None:
        """init + fictitious Polish customers + one staff account per role + serve."""
        console.print(select_sandboxes(), soft_wrap=True)
        rt = runtime()
        init(rt)
        if policies := load_policy(rt):
            console.print(f"privacy policy: {policies} version(s) published")
        existing = demo_staff.existing(rt)
        load_customers(rt, customers)
        if devices:
            with phases() as progress:
                report = seeding.seed(rt, devices, days if not devices_have(rt) else 0, progress)
            console.print(f"boxes: {devices}, activity events: {report.events:,}")
        show_demo_staff(rt, existing)
        retention.run(rt)  # a first purge run, so the schedule has receipts from day one
        show_subscriber_and_survey(rt, host, port)
        load_orders(rt)
        console.print(activity.run(rt, DEMO_SUBSCRIBER.email))
        back_up(rt)
        rt.dispose()
        if serve:
            console.print(
                f"serving on http://{host}:{port}/ (site), /portal, /console  (Ctrl+C to stop)"
            )
            run_server(host, port, workers=1)
