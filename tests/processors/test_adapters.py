"""P04: processor adapters are chosen by settings; a sandbox is never passed off as the real
processor: `imbplus serve` refuses to start with one unless told to, the demo selects the
sandboxes and says so."""

from __future__ import annotations

import os

import pytest
import typer
from pydantic import SecretStr

from imbplus.cli.serve import adapter_registries, refuse_sandboxes, sandboxes, select_sandboxes
from imbplus.processors.adapters import SANDBOX_NAME
from imbplus.settings import Settings
from tests.support.cli import env_for, imbplus
from tests.support.live import free_port


def test_every_kind_has_a_sandbox_and_the_defaults_select_it(settings: Settings) -> None:
    registries = adapter_registries()
    assert [r.kind for r in registries] == ["SMS gateway", "carrier", "payment provider"]
    assert [r.env for r in registries] == [
        "IMBPLUS_SMS_ADAPTER",
        "IMBPLUS_CARRIER_ADAPTER",
        "IMBPLUS_PAYMENT_ADAPTER",
    ]
    for registry in registries:
        assert registry.selected(settings) == SANDBOX_NAME
        assert registry.implementations[SANDBOX_NAME](settings).sandbox is True
    assert sandboxes(settings) == registries


def test_a_real_adapter_is_not_a_sandbox(settings: Settings) -> None:
    settings.sms_adapter, settings.sms_processor = "smsapi", "smsapi-pl"
    settings.smsapi_token = SecretStr("t")
    assert [r.kind for r in sandboxes(settings)] == ["carrier", "payment provider"]


def test_serve_refuses_sandbox_adapters_with_one_line_and_exit_2(settings: Settings) -> None:
    result = imbplus(settings, "serve", "--port", str(free_port()), timeout=60)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: refusing to serve with sandbox adapters")
    for named in (
        "SMS gateway (IMBPLUS_SMS_ADAPTER=sandbox)",
        "carrier (IMBPLUS_CARRIER_ADAPTER=sandbox)",
        "payment provider (IMBPLUS_PAYMENT_ADAPTER=sandbox)",
        "--allow-sandbox",
        "IMBPLUS_ALLOW_SANDBOX=1",
    ):
        assert named in line


def test_serve_refuses_a_real_adapter_it_cannot_use(settings: Settings) -> None:
    env = {"IMBPLUS_SMS_ADAPTER": "smsapi", "IMBPLUS_ALLOW_SANDBOX": "1"}
    result = imbplus(settings, "serve", "--port", str(free_port()), env=env, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "IMBPLUS_SMSAPI_TOKEN" in result.stderr


def test_the_allow_flag_or_setting_lets_serve_start_and_says_so(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMBPLUS_ALLOW_SANDBOX", "0")  # restored after the test
    monkeypatch.setenv("IMBPLUS_OUTBOX_RESERVED_DOMAINS_ONLY", "0")
    with pytest.raises(typer.Exit) as refused:
        refuse_sandboxes(settings, allow=False)
    assert refused.value.exit_code == 2
    refuse_sandboxes(settings, allow=True)
    settings.allow_sandbox = True
    refuse_sandboxes(settings, allow=False)
    allowed = capsys.readouterr().err.strip().splitlines()
    assert len(allowed) == 3 and allowed[-1] == allowed[-2]
    assert allowed[-1].startswith("sandbox adapters allowed: SMS gateway")
    assert "recorded as sandboxed" in allowed[-1]


def test_the_demo_selects_every_sandbox_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMBPLUS_ALLOW_SANDBOX", "0")  # restored after the test
    monkeypatch.setenv("IMBPLUS_OUTBOX_RESERVED_DOMAINS_ONLY", "0")
    for registry in adapter_registries():
        monkeypatch.setenv(registry.env, "something-real")  # restored after the test
    said = select_sandboxes()
    assert {os.environ[r.env] for r in adapter_registries()} == {SANDBOX_NAME}
    assert "SMS gateway, carrier, payment provider" in said
    assert os.environ["IMBPLUS_OUTBOX_RESERVED_DOMAINS_ONLY"] == "1"  # e-mail to examples only
    assert "nothing leaves this machine" in said


def test_the_app_factory_refuses_sandboxes_when_started_without_serve(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`uvicorn imbplus.app:app_from_env --factory` asks the same question as serve."""
    from imbplus.app import app_from_env

    for name, value in env_for(settings).items():
        if name.startswith("IMBPLUS_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("IMBPLUS_ALLOW_SANDBOX", "0")
    with pytest.raises(SystemExit, match="refusing to serve with sandbox adapters"):
        app_from_env()
    monkeypatch.setenv("IMBPLUS_ALLOW_SANDBOX", "1")
    assert app_from_env().title
