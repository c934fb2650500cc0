"""Runs every operation of a service's OpenAPI document through schemathesis: cases that fit
the document and cases that do not (wrong types, missing fields, out-of-range values), each
checked by the caller (state, leaks) and by schemathesis (no 5xx; status, content type and body
as documented).

Driven with plain hypothesis (`as_strategy`), one bounded run per operation: schemathesis'
pytest plugin reads a node attribute pytest 9 no longer has, and a failure then names its
operation. Each operation gets MAX_EXAMPLES cases, so the suite stays a few seconds per service.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)
from schemathesis.schemas import BaseSchema

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 25
RUN = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
               suppress_health_check=list(HealthCheck))


def operations(schema: BaseSchema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def run_contract(schema: BaseSchema, send: Callable[[Case], Any]) -> list[str]:
    """MAX_EXAMPLES cases of each operation: send(case) makes the request (with the caller's own
    checks) and returns the response, which must then pass CHECKS. Returns the operations run."""
    labels = []
    for op in operations(schema):
        cases = st.one_of(op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE))

        @RUN
        @given(case=cases)
        def run(case: Case) -> None:
            case.validate_response(send(case), checks=CHECKS)
        try:
            run()
        except Exception as exc:
            exc.add_note(f"operation: {op.label}")
            raise
        labels.append(op.label)
    return labels
