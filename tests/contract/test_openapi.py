"""Schemathesis over the app's own OpenAPI document, as a student, a tutor and an admin.

Every documented operation gets generated requests against a real ``tutorcal serve`` on
PostgreSQL with the Google emulator: valid ones with random ids, valid ones with real ids
(a tutor, a session, a booking that exist), and invalid ones. Each answer must be no 5xx,
carry a documented status code and content type, match its documented body schema, and every
error must be problem+json with a stable ``code``.

TUTORCAL_SCHEMATHESIS_EXAMPLES bounds the examples per operation and kind (small by default,
for CI); raise it, and set TUTORCAL_SCHEMATHESIS_COVERAGE=1 for schemathesis's coverage phase,
for a longer hunt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, CheckContext, GenerationMode, Response
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.hypothesis.builder import content_type_probes_first
from schemathesis.generation.overrides import Override
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.contract.accounts import ADMIN, TUTOR, Accounts, populate
from tests.contract.totals import TOTALS, RoleTotals
from tests.support.databases import ScratchDatabase
from tests.support.deployment import deployment

# 5 keeps the three roles at about a minute and a half on two cores.
EXAMPLES = int(os.environ.get("TUTORCAL_SCHEMATHESIS_EXAMPLES", "5"))
# The coverage phase adds about 1,250 deterministic boundary cases per role: on demand only.
COVERAGE = os.environ.get("TUTORCAL_SCHEMATHESIS_COVERAGE", "") == "1"
# Per role; the suite's 120 s default would cut a longer hunt short.
TIMEOUT_SECONDS = 90 + 15 * EXAMPLES + (900 if COVERAGE else 0)

# Operations that can take a caller's powers away (delete the account, revoke the token in
# use, change anyone's roles, disconnect the calendar, move the session calendar); all three
# callers are restored after each, so that later operations are still tested as each role.
RESTORES_AFTER = {
    ("DELETE", "/api/v1/me"),
    ("DELETE", "/api/v1/me/api-tokens/{token_id}"),
    ("PUT", "/api/v1/admin/users/{user_id}/roles"),
    ("POST", "/api/v1/auth/google/disconnect-calendar"),
    ("PUT", "/api/v1/tutors/me/settings"),
    ("PATCH", "/api/v1/tutors/me/settings"),
}


@pytest.fixture(scope="module")
def accounts(
    backend: str, database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Accounts]:
    with deployment(
        backend,
        tmp_path_factory.mktemp("contract"),
        instances=1,
        ADMIN_EMAILS=ADMIN,
        TUTOR_EMAILS=TUTOR,
        LOG_LEVEL="WARNING",
    ) as running:
        yield populate(running)


def problem_json_errors(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx and 5xx is RFC 9457 problem+json with the fields the front end branches on."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(
            f"{response.status_code} answered as {content_type!r}, not problem+json"
        )
    body = response.json()
    missing = [k for k in ("type", "title", "status", "code") if k not in body]
    if missing:
        raise AssertionError(f"problem+json without {missing}: {body}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem status {body['status']} != HTTP {response.status_code}")
    if not isinstance(body["code"], str) or not body["code"]:
        raise AssertionError(f"problem code is not a word: {body['code']!r}")
    return True


# Rules a JSON schema cannot state (a real IANA zone, a window of at most 62 days, a cursor this
# API handed out, "a session id or a tutor and a start") are refused by custom validators as
# pydantic ``value_error``s, or by the services with a documented domain ``code``.
SEMANTIC_VALIDATION_ERRORS = {"value_error"}


def valid_requests_pass_validation(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Schemathesis's own ``positive_data_acceptance`` forbids every 400 and 422 for a
    schema-valid request; tutorcal documents 422s with domain codes for rules beyond the
    schema (API.md). What must never happen is request validation refusing, as malformed,
    something the schema allows: that would be the document lying to the front end."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    body = response.json()
    if body.get("code") == "bad_request":
        raise AssertionError(f"schema-valid request refused as malformed: {body}")
    if body.get("code") == "validation_failed" and "errors" in body:
        kinds = {error.get("type") for error in body["errors"]}
        if kinds - SEMANTIC_VALIDATION_ERRORS:
            raise AssertionError(f"schema-valid request failed validation: {body['errors']}")
    return True


def real_ids_for(operation: APIOperation, ids: dict[str, list[str]]) -> dict[str, str] | None:
    names = [p.name for p in operation.path_parameters]
    if not names or any(name not in ids for name in names):
        return None
    return {name: ids[name][0] for name in names}


def check(case: Case, accounts: Accounts, role: str, totals: RoleTotals) -> None:
    """Send one generated request as ``role`` and record what its answer got wrong."""
    operation = case.operation
    totals.examples += 1
    try:
        case.call_and_validate(
            headers=accounts.account(role).bearer,
            additional_checks=[problem_json_errors, valid_requests_pass_validation],
            excluded_checks=[positive_data_acceptance],
            session=accounts.http,
            allow_redirects=False,
            timeout=30,
        )
    except FailureGroup as group:
        for failure in group.exceptions:
            if isinstance(failure, Failure):
                totals.failures.setdefault(
                    f"{operation.label}: {failure.title}",
                    f"{failure.message}\n{case.as_curl_command()[:800]}",
                )
    finally:
        if (operation.method.upper(), operation.path) in RESTORES_AFTER:
            accounts.restore_all()


def exercise(
    operation: APIOperation,
    mode: GenerationMode,
    accounts: Accounts,
    role: str,
    totals: RoleTotals,
    path_parameters: dict[str, str] | None = None,
) -> None:
    """EXAMPLES random requests of one kind (valid or invalid, maybe with real ids)."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        # Failures are collected and reported together; shrinking each would cost minutes.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
    def run(case: Case) -> None:
        check(case, accounts, role, totals)

    try:
        run()
    except Unsatisfiable:
        # An operation without parameters or body has no invalid request to make.
        if mode != GenerationMode.NEGATIVE:
            raise


def cover(operation: APIOperation, accounts: Accounts, role: str, totals: RoleTotals) -> None:
    """Schemathesis's coverage phase: the deterministic boundary cases of every parameter and
    body field (missing, empty, too long, wrong type, each enum value...)."""
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=operation.schema.config.generation_for(
            operation=operation, phase="coverage"
        ),
        auth_storage=None,
        override=Override(),
        feedback=FeedbackSources(),
    )
    for case in content_type_probes_first(generator):
        check(case, accounts, role, totals)


@pytest.mark.slow
@pytest.mark.postgres_only
@pytest.mark.timeout(TIMEOUT_SECONDS)
@pytest.mark.parametrize("role", ["student", "tutor", "admin"])
def test_every_operation_keeps_its_contract(accounts: Accounts, role: str) -> None:
    document = httpx2.get(f"{accounts.base_url}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=accounts.base_url)
    # A body over MAX_REQUEST_BODY_BYTES is refused unread with 413: a rejection like any other.
    rejection = schema.config.checks.negative_data_rejection
    schema.config.checks.negative_data_rejection = type(rejection)(
        expected_statuses=[*rejection.expected_statuses, "413"]
    )
    totals = TOTALS[role]
    for result in schema.get_all_operations():
        operation = result.ok()
        totals.operations.add(operation.label)
        exercise(operation, GenerationMode.POSITIVE, accounts, role, totals)
        real = real_ids_for(operation, accounts.ids)
        if real is not None:
            exercise(operation, GenerationMode.POSITIVE, accounts, role, totals, real)
        exercise(operation, GenerationMode.NEGATIVE, accounts, role, totals)
        if COVERAGE:
            cover(operation, accounts, role, totals)
    assert not totals.failures, "\n\n".join(
        f"{title}\n{detail}" for title, detail in sorted(totals.failures.items())
    )
