"""Schemathesis against the OpenAPI schema of the data-plane endpoints: no 5xx, bounded."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api.conftest import ApiWorld
from mfgdata.api.app import create_app


def test_no_server_errors(api_world: ApiWorld) -> None:
    app = create_app(api_world.settings)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: schemathesis.Case) -> None:
            if case.path_parameters and "product_id" in case.path_parameters:
                case.path_parameters["product_id"] = "api-injection"
                case.path_parameters["version"] = 1
            case.call_and_validate(checks=[not_a_server_error])

        check()
