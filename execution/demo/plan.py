"""Demo data for progress plans: a waste-collection works contract 2025–2027 whose plan was sent
back once, then accepted (version 1), updated every quarter (updates validated, returned,
submitted, draft) and now under revision (submitted). Loading it twice changes nothing."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution import setup
from execution.demo.flow import at as _at
from execution.demo.flow import take_to
from execution.review import service as review
from portal import clock
from portal.commitments import ProgressPlanParams
from portal.models import Contract, Organisation, User
from portal.schemas import ContractIn
from supplier import service as filing
from supplier.models import Declaration, Status, Subject
from supplier.plan import propose_revision
from supplier.plan_schemas import (
    PlanActionIn,
    PlanProposalIn,
    PlanUpdateIn,
    PlanUpdatesIn,
    Upload,
)

REFERENCE = "LE-2025-012"
AGENT = "karim.benali@loire-estuaire.example.fr"
FILER = "direction@batir-ouest.example.fr"
V, R, S, D = Status.validated, Status.returned, Status.submitted, Status.draft

# (key, axis, title, owner, indicator, unit, baseline, target, deadline)
ACTIONS = [
    ("A1", "environment", "Trier les déchets en cinq flux sur chaque chantier",
     "Conducteurs de travaux", "Chantiers équipés de bennes de tri", "%", "20", "100",
     date(2025, 9, 30)),
    ("A2", "environment", "Réduire les déchets inertes mis en décharge", "Responsable QSE",
     "Tonnage enfoui sur l'année glissante", "t", "850", "400", date(2026, 6, 30)),
    ("A3", "social", "Confier le tri en centre de regroupement à une SIAE", "Direction",
     "Heures confiées à la SIAE", "h", "0", "1200", date(2026, 12, 31)),
    ("A4", "technical", "Dématérialiser les bordereaux de suivi des déchets", "Service achats",
     "Bordereaux dématérialisés", "%", "40", "100", date(2025, 12, 31)),
]
# Each quarter from Q1 2025: its status, then (status, latest value) of A1…A4 (None: no row).
UPDATES = [
    (V, [("in_progress", "45"), ("in_progress", "810"), ("not_started", None),
         ("in_progress", "55")]),
    (V, [("in_progress", "80"), ("in_progress", "700"), ("in_progress", "180"),
         ("in_progress", "70")]),
    (V, [("done", "100"), ("in_progress", "620"), ("in_progress", "420"),
         ("in_progress", "85")]),
    (V, [("done", "100"), ("in_progress", "560"), ("in_progress", "610"), ("done", "100")]),
    (R, [("done", "100"), ("in_progress", "540"), ("in_progress", "760"), ("done", "100")]),
    (S, [("done", "100"), ("in_progress", "505"), ("in_progress", "905"), ("done", "100")]),
    (D, [("done", "100"), ("in_progress", "480"), None, None]),
]
EVIDENCE = {2: "A1", 3: "A4", 5: "A3"}  # quarter index → the action with a justifying PDF



def _pdf(title: str) -> bytes:
    """A one-page PDF saying ``title`` (ASCII), small but well formed."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 60 780 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)


def _actions(rows=ACTIONS) -> list[PlanActionIn]:
    return [PlanActionIn(key=key, axis=axis, title=title, owner=owner, indicator=indicator,
                         unit=unit, baseline=baseline, target=target, deadline=deadline)
            for key, axis, title, owner, indicator, unit, baseline, target, deadline in rows]


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    buyer_id = organisations["metropole"].id
    if db.scalar(select(Contract.id).where(Contract.buyer_org_id == buyer_id,
                                           Contract.reference == REFERENCE)):
        return
    agent, filer = users[AGENT], users[FILER]
    data = ContractIn(
        reference=REFERENCE, object="Collecte et valorisation des déchets de chantier",
        nature="works", holder_id=organisations["btp"].id, starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31), notified_on=date(2024, 11, 15), frequency="quarterly",
        amount_excl_vat=Decimal("1450000"), cpv_code="90500000-2",
        environmental_clause=True, social_clause=True,
        progress_plan=ProgressPlanParams(review_frequency="quarterly", plan_due_days=90))
    try:
        clock.freeze(_at(data.notified_on))
        contract = setup.create_contract(db, data, buyer=agent)
        declarations = db.scalars(select(Declaration).where(
            Declaration.commitment_id == contract.commitments[0].id)
            .order_by(Declaration.period_start)).all()
        plan = next(d for d in declarations if d.subject == Subject.plan)
        _plan_version_1(db, plan, filer, agent)
        quarters = [d for d in declarations if d.subject == Subject.period]
        for index, (declaration, (status, rows)) in enumerate(zip(quarters, UPDATES,
                                                                   strict=False)):
            _update(db, declaration, status, rows, filer, agent, index=index)
        _revision(db, contract, filer)
    finally:
        clock.freeze(None)


def _plan_version_1(db, plan, filer, agent) -> None:
    # First proposal without the traceability action; the buyer asks for it.
    clock.freeze(_at(date(2025, 2, 20)))
    filing.submit(db, plan.id, PlanProposalIn(
        version=plan.version, actions=_actions(ACTIONS[:3]),
        supplier_comment="Plan établi avec notre prestataire de collecte."), user=filer)
    clock.freeze(_at(date(2025, 3, 4)))
    review.return_to_holder(
        db, plan.id, reviewer=agent, version=plan.version,
        comment="Merci d'ajouter une action sur la traçabilité des déchets (bordereaux "
                "dématérialisés) et de préciser le responsable de chaque action.")
    clock.freeze(_at(date(2025, 3, 18)))
    filing.submit(db, plan.id, PlanProposalIn(version=plan.version, actions=_actions()),
                  user=filer)
    clock.freeze(_at(date(2025, 3, 28)))
    review.validate(db, plan.id, reviewer=agent, version=plan.version)


def _update(db, declaration, status, rows, filer, agent, *, index: int) -> None:
    updates = []
    for (key, *_), row in zip(ACTIONS, rows, strict=True):
        if row is None:
            continue
        action_status, value = row
        evidence = None
        if EVIDENCE.get(index) == key:
            name = f"justificatif-{key}-T{index % 4 + 1}.pdf"
            evidence = Upload(filename=name, stream=BytesIO(_pdf(f"Justificatif {key}")))
        updates.append(PlanUpdateIn(
            action_key=key, status=action_status,
            latest_value=Decimal(value) if value is not None else None, evidence=evidence,
            comment="Bennes livrées sur les six chantiers actifs." if key == "A1" and
            action_status == "done" else None))
    data = PlanUpdatesIn(version=declaration.version, updates=updates)
    take_to(db, declaration, data, status, filer=filer, agent=agent, filed_after=5,
            reviewed_after=12,
            return_comment="Joignez l'attestation de la SIAE pour les heures de tri déclarées "
                           "(A3).")


def _revision(db, contract, filer) -> None:
    """Version 2 proposed in September 2026: A2 gets more time, a reuse action is added."""
    clock.freeze(_at(date(2026, 9, 10)))
    revision = propose_revision(db, contract.id, user=filer)
    rows = [list(row) for row in ACTIONS]
    rows[1][7], rows[1][8] = "450", date(2027, 6, 30)
    rows.append(["A5", "environment", "Réemployer les matériaux de dépose (portes, "
                 "radiateurs, sanitaires)", "Conducteurs de travaux", "Éléments réemployés",
                 "unités", "0", "300", date(2027, 9, 30)])
    clock.freeze(_at(date(2026, 9, 18)))
    filing.submit(db, revision.id, PlanProposalIn(
        version=revision.version, actions=_actions(rows),
        supplier_comment="Le délai de l'action A2 dépend de l'ouverture de la plateforme de "
                         "concassage prévue au printemps 2027."), user=filer)
