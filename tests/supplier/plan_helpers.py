"""Shared set-up of the progress-plan tests: a contract with a plan, an accepted plan."""

from datetime import date
from types import SimpleNamespace

from execution.review import service as review
from portal.commitments import ProgressPlanParams
from portal.models import Role
from supplier import service
from supplier.models import Subject
from supplier.plan_schemas import PlanActionIn, PlanProposalIn
from tests import factories
from tests.pdfs import PDF  # noqa: F401 (the tests import it from here)

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

ACTIONS = [
    dict(axis="environment", title="Réduire les déchets de chantier mis en décharge",
         owner="Conducteur de travaux", indicator="Déchets enfouis", unit="t",
         baseline="120", target="60", deadline="31/03/2025"),
    dict(axis="social", title="Former les chefs d'équipe au tri", owner="RH",
         indicator="Chefs d'équipe formés", unit="personnes", baseline="0", target="12",
         deadline="30/06/2025"),
    dict(axis="economic", title="Valoriser les gravats en remblai", owner="Direction",
         indicator="Gravats valorisés", unit="%", baseline="35", target="70,5",
         deadline="31/12/2025"),
]


def plan_world(db):
    buyer = factories.make_user(db, Role.buyer)
    holder = factories.make_user(db, Role.supplier)
    contract = factories.make_contract(
        db, buyer, holder.organisation, reference="LE-TEST-PLAN", insertion=None,
        object="Collecte et valorisation des déchets de chantier",
        starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31),
        progress_plan=ProgressPlanParams(review_frequency="quarterly", plan_due_days=60))
    declarations = factories.declarations(db, contract)
    plans = [d for d in declarations if d.subject == Subject.plan]
    updates = [d for d in declarations if d.subject == Subject.period]
    return SimpleNamespace(buyer=buyer, holder=holder, contract=contract, plan=plans[0],
                           updates=updates)


def columns(rows: list[dict]) -> dict[str, list[str]]:
    """Form rows as the browser sends them: one list of cells per input name."""
    names = {name for row in rows for name in row}
    return {name: [row.get(name, "") for row in rows] for name in names}


def accept_plan(db, world, declaration=None, actions=ACTIONS):
    """The holder files the plan and the buyer validates it, through the services."""
    declaration = declaration or world.plan
    data = PlanProposalIn(version=declaration.version,
                          actions=[PlanActionIn(**a) for a in actions])
    service.submit(db, declaration.id, data, user=world.holder)
    review.validate(db, declaration.id, reviewer=world.buyer, version=declaration.version)
    db.commit()
    return declaration
