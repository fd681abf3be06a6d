"""The mediation requests as the API gives them (read only)."""

from datetime import datetime

from pydantic import BaseModel, Field

from execution.mediation.models import MediationRequest


class MediationMessageOut(BaseModel):
    side: str = Field(description="supplier (l'entreprise) ou mediator (le médiateur).")
    author: str
    body: str
    created_at: datetime
    attachments: list[str] = Field(description="Adresses de téléchargement des pièces.")


class MediationRequestOut(BaseModel):
    id: int
    contract_id: int
    contract_reference: str
    buyer_organisation_id: int
    supplier_organisation_id: int
    supplier_name: str
    subject: str
    status: str = Field(description="open (en attente du médiateur), answered, closed.")
    outcome: str | None = Field(description=(
        "À la clôture : accord, accord_partiel, desaccord, abandon, hors_champ."))
    opened_at: datetime
    first_answer_at: datetime | None
    closed_at: datetime | None


class MediationRequestDetailOut(MediationRequestOut):
    description: str
    attachments: list[str] = Field(description="Pièces jointes à la demande elle-même.")
    messages: list[MediationMessageOut]


def request_out(r: MediationRequest) -> MediationRequestOut:
    return MediationRequestOut(
        id=r.id, contract_id=r.contract_id, contract_reference=r.contract.reference,
        buyer_organisation_id=r.buyer_org_id, supplier_organisation_id=r.supplier_org_id,
        supplier_name=r.supplier.name, subject=r.subject, status=r.status, outcome=r.outcome,
        opened_at=r.opened_at, first_answer_at=r.first_answer_at, closed_at=r.closed_at)


def request_detail_out(r: MediationRequest) -> MediationRequestDetailOut:
    files: dict[int | None, list[str]] = {}
    for a in r.attachments:
        files.setdefault(a.message_id, []).append(f"/mediation/pieces/{a.id}")
    return MediationRequestDetailOut(
        **request_out(r).model_dump(), description=r.description, attachments=files.get(None, []),
        messages=[MediationMessageOut(side=m.side, author=m.author.full_name, body=m.body,
                                      created_at=m.created_at, attachments=files.get(m.id, []))
                  for m in r.messages])
