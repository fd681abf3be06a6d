"""Schemathesis against /openapi.json, in process, on the migrated test database, with the real
tokens of a holder's user and of a buyer's agent: no 5xx, every answer as documented (status,
content type, body, headers), schema-invalid data refused, schema-valid data accepted.

Bounded for `make test` (seeded, derandomized, PORTAL_FUZZ_EXAMPLES examples per operation and
role, 8 by default); `make fuzz` runs the same with many more. Each operation is one test, with
its own rolled-back transaction shared by its examples: what one request creates, the next may
find. Two valid path ids in three are changed into ids of the world's own objects, so the
examples reach the services and not only the 404.
"""

import os
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.openapi.checks import RejectedPositiveData
from sqlalchemy import select

from execution.review import service as review
from portal import clock, identity
from portal.app import create_app
from portal.models import Role, TokenKind
from portal.validation import NUL_MESSAGE, ROW_ID_MAX
from surveys.jobs import launch_ended_contracts
from surveys.models import Invitation
from tests import factories

EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "8"))
ROLES = ("supplier", "buyer")

# A 422 on schema-valid data is right where the rule cannot be said in JSON Schema: a contract's
# dates in order and its holder named one way or the other, a declaration's content in the shape
# of its kind, an answer on its question's scale, the indicators' period (a year, a semester or
# a quarter: a French sentence says which part is wrong) and its year that agree.
BUSINESS_RULES = ["POST /api/v1/contracts", "PUT /api/v1/contracts/{contract_id}",
                  "GET /api/v1/indicators",
                  "PUT /api/v1/declarations/{declaration_id}",
                  "POST /api/v1/surveys/{invitation_id}/answers"]
ACCEPTED = ["2xx", 401, 403, 404, 409, 429]

CONFIG = SchemathesisConfig.from_dict({
    "seed": 20260101,
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none",
                   "mode": "all"},
    "operations": [{"include-name": name, "checks": {"positive_data_acceptance": {
        "expected-statuses": [*ACCEPTED, 422]}}} for name in BUSINESS_RULES],
})
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(), config=CONFIG)

# Ids of the current test's world, by path parameter name (filled by the `world` fixture).
KNOWN: dict[str, list[int]] = {}
CASES: Counter = Counter()
STATUSES: Counter = Counter()
PHASES: Counter = Counter()


def aim_at_the_world(case) -> None:
    """Two valid ids in three become ids of the world's contracts, declarations and surveys, in
    every phase (the coverage phase's boundary values, sent as text, included); the rest mostly
    answer 404. A valid id for another keeps a case as valid or invalid as it was."""
    for name, value in (case.path_parameters or {}).items():
        known = KNOWN.get(name)
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if known and type(value) is int and 0 < value <= ROW_ID_MAX and value % 3:
            case.path_parameters[name] = known[value % len(known)]


@schema.hook
def filter_failure(context, failure, case, response):
    """Schema-valid data refused for a NUL byte is right: no text may hold one (PostgreSQL
    cannot store it), a rule of the whole API that its description states."""
    return not (isinstance(failure, RejectedPositiveData) and response.status_code == 422
                and response.json().get("detail") == NUL_MESSAGE)


@pytest.fixture
def world(db):
    """A buyer, a holder, a current contract with a submitted and a validated declaration, and
    an ended one whose surveys are launched; the bearer token of each side."""
    # No password: an argon2 hash per user and per test would cost more than the examples.
    # The tokens are those POST /api/v1/auth/token gives, opened by the same function.
    buyer = factories.make_user(db, Role.buyer, password=None)
    holder = factories.make_user(db, Role.supplier, password=None)
    ended = factories.make_contract(db, buyer, holder.organisation, insertion=None,
                                    starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    clock.freeze(datetime(2025, 1, 2, 5, tzinfo=UTC))
    launch_ended_contracts(db, date(2025, 1, 2))
    clock.freeze(datetime(2025, 11, 15, 9, tzinfo=UTC))
    contract = factories.make_contract(db, buyer, holder.organisation)
    first, second, *_ = factories.declarations(db, contract)
    factories.submit(db, first, holder)
    factories.submit(db, second, holder)
    review.validate(db, second.id, reviewer=buyer, version=second.version)
    db.commit()
    KNOWN.update(contract_id=[contract.id, ended.id],
                 declaration_id=[d.id for d in factories.declarations(db, contract)],
                 invitation_id=list(db.scalars(select(Invitation.id))))
    assert len(KNOWN["invitation_id"]) == 2 and second.status == "validated"
    tokens = {role: identity.open_session(db, user, kind=TokenKind.api, hours=1)
              for role, user in (("supplier", holder), ("buyer", buyer))}
    db.commit()
    yield {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
    KNOWN.clear()


@pytest.fixture(scope="module", autouse=True)
def _count(figures):
    """Counts what was checked: cases, operations, and the statuses they got."""
    yield
    if not CASES:
        return
    operations = {label for _role, label in CASES}
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(STATUSES.items()))
    phases = ", ".join(f"{phase}: {n}" for phase, n in sorted(PHASES.items()))
    figures["Schemathesis"] = (
        f"{sum(CASES.values())} cases on {len(operations)} operations x {len(ROLES)} roles "
        f"(up to {EXAMPLES} generated examples per operation and role; {phases}); "
        f"statuses {statuses}")


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
# The examples of one operation share its test's transaction on purpose (see above).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case, role, world):
    aim_at_the_world(case)
    response = case.call_and_validate(headers=world[role])
    CASES[role, case.operation.label] += 1
    if any(value in KNOWN.get(name, ()) for name, value in (case.path_parameters or {}).items()):
        PHASES["on the world's objects"] += 1
    PHASES[case.meta.phase.name.value if case.meta else "?"] += 1
    STATUSES[response.status_code] += 1
