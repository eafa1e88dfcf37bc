"""A standing guard: property-based fuzzing of the whole API from its OpenAPI spec.

Every operation is driven with positive and negative data, as the role (and purpose) that
may use it, as a role that may not, and without credentials; a stateful run then chains
operations through the links schemathesis infers from the responses (create, then read,
change, erase what was created). Whatever is sent: no 5xx, an answer the spec documents,
and no request that breaks the schema accepted. The budget is bounded so the run fits in
`make test`; the data is fixed (derandomized) so a failure replays.

The positive-data acceptance check is left out on purpose: the validators are stricter
than JSON Schema can say (special-use e-mail domains, opaque cursors, ids that do not
exist) and answer those with 4xx.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from imbplus.privacy.catalog import Purpose
from imbplus.processors import credentials
from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_device, make_staff
from tests.support.shop import place_order, setup_shop

# per operation, mode and caller; IMBPLUS_FUZZ_EXAMPLES raises it for a longer hunt
EXAMPLES = int(os.environ.get("IMBPLUS_FUZZ_EXAMPLES", "25"))
# path prefix -> (role, purpose) that may use it; the first match wins
ALLOWED: list[tuple[str, str, str]] = [
    ("/api/v1/customers/{customer_id}/erasure", "dpo", "data_subject_request"),
    ("/api/v1/customers/{customer_id}/export", "dpo", "data_subject_request"),
    ("/api/v1/customers", "support", "service_delivery"),
    ("/api/v1/devices", "support", "service_delivery"),
    ("/api/v1/audit", "dpo", "security"),
    ("/api/v1/rights", "dpo", "data_subject_request"),
    ("/api/v1/credit", "billing", "credit"),
    ("/api/v1/orders", "billing", "billing"),
    ("/api/v1/invoices", "billing", "billing"),
    ("/api/v1/cards", "billing", "billing"),
    ("/api/v1/shipments", "shipping", "shipment_contact"),
    ("/api/v1/processors", "dpo", "security"),
    ("/api/v1/disclosures", "dpo", "security"),
]
DEVICE_PATHS = ("/api/v1/telemetry/events", "/api/v1/devices/me/provisioning")
# processors' own feeds: the carrier's credential may, the payment provider's may not
PROCESSOR_PATHS = ("/api/v1/feeds/shipments",)
Headers = dict[str, str]


class Identities:
    def __init__(self, rt: Runtime) -> None:
        self.tokens = {role: make_staff(rt, role)[1] for role in {r for _, r, _ in ALLOWED}}
        self.stranger = make_staff(rt, "marketing")[1]
        setup_shop(rt)
        customer = make_customer(rt)
        place_order(rt, customer.id)
        self.device_token = make_device(rt, customer.id)[1]
        with rt.job("processors", Purpose.SECURITY) as ctx:
            self.carrier = credentials.issue(ctx, "sandbox-carrier").token
            self.payments = credentials.issue(ctx, "sandbox-payments").token

    def allowed(self, path: str) -> Headers:
        if path in DEVICE_PATHS:
            return {"Authorization": f"Bearer {self.device_token}"}
        if path in PROCESSOR_PATHS:
            return {"Authorization": f"Bearer {self.carrier}"}
        for prefix, role, purpose in ALLOWED:
            if path.startswith(prefix):
                return api_headers(self.tokens[role], purpose)
        return {}

    def refused(self, path: str) -> Headers:
        if path in PROCESSOR_PATHS:
            return {"Authorization": f"Bearer {self.payments}"}
        purpose = next((p for prefix, _r, p in ALLOWED if path.startswith(prefix)), "marketing")
        return api_headers(self.stranger, purpose)


def _schema(app: FastAPI) -> Any:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    # a body over the size limit is refused before it is read: a rejection like any other
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return schema


def _fuzz(
    op: Any,
    mode: GenerationMode,
    headers: Headers,
    problems: list[str],
    path_parameters: dict[str, str] | None = None,
) -> None:
    # the credentials are fixed parts of each case: negative data breaks everything else
    strategy = op.as_strategy(
        generation_mode=mode, headers=headers or None, path_parameters=path_parameters
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=EXAMPLES <= 25,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        try:
            case.call_and_validate(excluded_checks=[positive_data_acceptance])
        except Exception as failure:  # each failure is collected and named
            problems.append(f"{mode.value} {case.method} {case.path}: {str(failure)[:300]}")

    with contextlib.suppress(Unsatisfiable):  # nothing but the credentials to make invalid
        run()


def test_every_operation_holds_under_positive_and_negative_data(app: FastAPI, rt: Runtime) -> None:
    who = Identities(rt)
    operations = [result.ok() for result in _schema(app).get_all_operations()]
    assert len(operations) >= 40  # every operation of the API, not a sample
    problems: list[str] = []
    for op in operations:
        allowed = who.allowed(op.path)
        _fuzz(op, GenerationMode.POSITIVE, allowed, problems)
        _fuzz(op, GenerationMode.NEGATIVE, allowed, problems)
        if allowed:
            _fuzz(op, GenerationMode.POSITIVE, who.refused(op.path), problems)
        _fuzz(op, GenerationMode.NEGATIVE, {}, problems)
    assert problems == [], "\n".join(sorted(set(problems))[:20])


def _ids(rt: Runtime, who: Identities) -> dict[str, str]:
    """Ids of real records for every path parameter: the links between operations."""
    from sqlalchemy import select

    from imbplus.billing.models import Card, Invoice
    from imbplus.compliance.rights_models import SubjectRequest
    from imbplus.devices.models import Device
    from imbplus.shipping.models import Shipment
    from imbplus.shop.models import Order

    del who
    with rt.sessions() as s:
        found = {
            "customer_id": s.execute(select(Order.customer_id)).scalars().first(),
            "order_id": s.execute(select(Order.id)).scalars().first(),
            "invoice_id": s.execute(select(Invoice.id)).scalars().first(),
            "card_id": s.execute(select(Card.id)).scalars().first(),
            "shipment_id": s.execute(select(Shipment.id)).scalars().first(),
            "device_id": s.execute(select(Device.id)).scalars().first(),
            "request_id": s.execute(select(SubjectRequest.id)).scalars().first(),
        }
    return {k: str(v) for k, v in found.items() if v is not None}


def test_operations_on_real_records_hold(app: FastAPI, rt: Runtime) -> None:
    """The links between operations: every path parameter names a record that exists (an
    order's customer, invoice, card, shipment, box, a rights request), so the fuzzing
    reaches past the 404s into reading, changing and erasing real data."""
    who = Identities(rt)
    dpo = api_headers(who.tokens["dpo"], "data_subject_request")
    customer = make_customer(rt)
    body = {"customer_id": customer.id, "kind": "access", "channel": "email"}
    opened = _call(app, "POST", "/api/v1/rights/requests", dpo, body)
    assert opened < 300, opened
    ids = _ids(rt, who)
    assert set(ids) >= {"customer_id", "order_id", "invoice_id", "shipment_id", "device_id"}
    problems: list[str] = []
    for op in [r.ok() for r in _schema(app).get_all_operations()]:
        params = {p: ids[p] for p in _path_params(op.path) if p in ids}
        if not params:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(op, mode, who.allowed(op.path), problems, path_parameters=params)
    assert problems == [], "\n".join(sorted(set(problems))[:20])


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{([a-z_]+)}", path)


def _call(app: FastAPI, method: str, path: str, headers: Headers, body: object) -> int:
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as client:
        return client.request(method, path, headers=headers, json=body).status_code
