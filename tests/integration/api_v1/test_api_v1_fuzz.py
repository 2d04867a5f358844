"""Property-based fuzzing of every v1 operation from its OpenAPI schema:
valid and invalid inputs alike get no 5xx, invalid ones are rejected, and
every response (status, content type, headers, body) matches the schema.

Not checked: schemathesis' "positive data acceptance" (ST202), which wants
every schema-valid body accepted; a phone number like "0" is valid JSON
for the schema but not a phone, and the API rightly answers 422.
"""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, negative_data_rejection,
                                 not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from iprodash.api import v1
from iprodash.settings import get_settings

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def _fuzz(operation, mode: GenerationMode, checks: list, headers: dict,
          path_parameters: dict | None = None) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def honours_schema(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.path, response.text)
        case.validate_response(response, checks=checks)

    honours_schema()


def test_every_operation_honours_its_schema(api, tenants, monkeypatch):
    monkeypatch.setenv("IPRODASH_API_RATE_LIMIT_PER_MINUTE", "100000")
    get_settings.cache_clear()
    headers = tenants[0].headers()
    schema = schemathesis.openapi.from_asgi("/openapi.json", v1.create_v1_app())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, "the schema lists too few operations"
    real_ids = _records(api, headers)
    for operation in operations:
        _fuzz(operation, GenerationMode.POSITIVE, CHECKS, headers)
        _fuzz(operation, GenerationMode.NEGATIVE, [*CHECKS, negative_data_rejection], headers)
        names = set(re.findall(r"{(\w+)}", operation.path))
        if names:  # again on real records, so bodies reach the services' own checks
            _fuzz(operation, GenerationMode.POSITIVE, CHECKS, headers,
                  path_parameters={name: real_ids[name] for name in names})


def _records(api, headers: dict) -> dict[str, str]:
    """One real record of each kind, named like the path parameters."""
    tech = api.post("/api/v1/technicians", headers=headers,
                    json={"name": "Fuzz Tech", "phone": "212-555-0100"}).json()
    source = api.post("/api/v1/lead-sources", headers=headers, json={"name": "Fuzz"}).json()
    job = api.post("/api/v1/jobs", headers=headers, json={
        "client": {"name": "Fuzz Client", "phone": "212-555-0142"},
        "address": {"line": "1 Fuzz St"}, "job_type": "Lockout",
        "technician_id": tech["id"], "lead_source_id": source["id"]}).json()
    return {"technician_id": tech["id"], "source_id": source["id"],
            "client_id": job["client_id"], "job_id": job["id"]}
