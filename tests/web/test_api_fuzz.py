"""Property-based API fuzzing from the OpenAPI spec (schemathesis).

Every generated request must get a documented, schema-conforming answer and never a 5xx.
The positive-data check is left out on purpose: the validators are stricter than JSON
Schema can say (e.g. special-use e-mail domains, opaque cursors) and answer those with 422.
"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff


def test_api_fuzz_has_no_server_errors(app: FastAPI, rt: Runtime) -> None:
    _, token = make_staff(rt, "support")
    make_customer(rt)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    server_errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}",
    }

    for op in operations:

        @settings(
            max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=op.as_strategy())
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=api_headers(token))
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.path} -> {response.status_code}")
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        run()
    assert server_errors == []
