"""Insertion attestations: what a holder, or the contract's buyer, downloads for a contract, and
the public check of its code.

The verification code is 12 characters of Crockford base 32 (no I, L, O or U, so it can be read
aloud and typed back), taken from an HMAC-SHA256 of the attested facts under the portal's secret.
It is stored with the facts; checking a code finds the attestation and recomputes the HMAC, so a
mistyped or altered code, and an attestation row edited behind the portal's back, are refused.
"""

import hashlib
import hmac
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from execution.reports.models import Attestation
from portal import pdf
from portal.audit import audit
from portal.clock import now
from portal.errors import Conflict, NotFound
from portal.models import Commitment, CommitmentKind, Contract, User
from portal.money import cents
from portal.permissions import get_visible_contract, is_filer, is_reviewer
from portal.settings import get_settings
from supplier.models import Declaration, InsertionLine, Status

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
GROUP = 4
UNKNOWN_CODE = "Code inconnu : cette attestation n'a pas été délivrée par le portail."
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-.]+")


def _facts(attestation: Attestation) -> str:
    """The attested content, in a fixed order: what the HMAC vouches for."""
    return "|".join([
        "attestation-insertion-v1", str(attestation.contract_id), str(attestation.holder_org_id),
        attestation.holder_siret, attestation.holder_name, attestation.buyer_name,
        attestation.contract_reference, attestation.contract_object,
        f"{cents(attestation.hours)}", attestation.period_start.isoformat(),
        attestation.period_end.isoformat(), _instant(attestation.issued_at),
    ])


def _instant(moment: datetime) -> str:
    # Whole seconds in UTC: what both databases give back exactly.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def compute_code(attestation: Attestation) -> str:
    secret = get_settings().secret().encode()
    digest = hmac.new(secret, _facts(attestation).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * CODE_LENGTH)
    return "".join(ALPHABET[(number >> (5 * (CODE_LENGTH - 1 - i))) & 31]
                   for i in range(CODE_LENGTH))


def normalize_code(raw: str | None) -> str | None:
    """The code as stored, from what someone typed (any case, with or without dashes or spaces,
    O for 0 and I or L for 1), or None if it cannot be a code."""
    code = _SEPARATORS.sub("", (raw or "").upper()).translate(_CONFUSABLE)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display_code(code: str) -> str:
    """« 7KQ2-M9XD-4TPA »: groups of four, easier to read and to type."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def verify(db: Session, raw: str | None) -> Attestation | None:
    """The attestation a code stands for, if the portal delivered it and nothing changed since."""
    code = normalize_code(raw)
    if code is None:
        return None
    attestation = db.scalar(select(Attestation).where(Attestation.code == code))
    if attestation is None or not hmac.compare_digest(compute_code(attestation), code):
        return None
    return attestation


def validated_insertion(db: Session, commitment_id: int
                        ) -> tuple[Decimal, date | None, date | None]:
    """(validated hours, first period start, last period end) over the validated declarations of
    an insertion commitment, in one aggregate."""
    hours, start, end = db.execute(
        select(func.coalesce(func.sum(InsertionLine.hours), 0),
               func.min(Declaration.period_start), func.max(Declaration.period_end))
        .select_from(Declaration)
        .outerjoin(InsertionLine, InsertionLine.declaration_id == Declaration.id)
        .where(Declaration.commitment_id == commitment_id,
               Declaration.status == Status.validated)).one()
    return cents(hours), start, end


def attested_contract(db: Session, contract_id: int, user: User) -> Contract:
    """The contract, for the users of its holder and the agents of its buyer only: anyone else
    (a co-holder, another buyer) is told it does not exist."""
    contract = get_visible_contract(db, contract_id, user)
    if not (is_filer(user, contract) or is_reviewer(user, contract)):
        raise NotFound("Ce contrat n'existe pas ou vous n'y avez pas accès.")
    return contract


def _insertion_commitment(contract: Contract) -> Commitment:
    commitment = contract.commitment(CommitmentKind.insertion_hours)
    if commitment is None:
        raise NotFound("Ce contrat ne comporte pas d'engagement d'heures d'insertion : il n'y a "
                       "pas d'attestation à délivrer.")
    return commitment


def _latest(db: Session, contract: Contract) -> Attestation | None:
    return db.scalar(select(Attestation).where(Attestation.contract_id == contract.id,
                                               Attestation.holder_org_id == contract.holder.id)
                     .order_by(Attestation.id.desc()).limit(1))


def issue(db: Session, contract_id: int, *, user: User) -> Attestation:
    """The attestation of the hours validated to date, issued to the holder when the holder or
    the buyer asks for it (a POST). Asking again while nothing changed gives the same
    attestation (same code) instead of a new one each time."""
    contract = attested_contract(db, contract_id, user)
    commitment = _insertion_commitment(contract)
    hours, start, end = validated_insertion(db, commitment.id)
    if start is None or end is None:
        raise Conflict("Aucune déclaration d'heures d'insertion n'a encore été validée par "
                       "l'acheteur : l'attestation sera disponible après la première validation.")
    holder, buyer = contract.holder, contract.buyer
    facts = dict(contract_id=contract.id, holder_org_id=holder.id, hours=hours,
                 period_start=start, period_end=end, contract_reference=contract.reference,
                 contract_object=contract.object, buyer_name=buyer.name,
                 holder_name=holder.name, holder_siret=holder.siret)
    latest = _latest(db, contract)
    if latest is not None and all(getattr(latest, name) == value
                                  for name, value in facts.items()):
        return latest
    attestation = Attestation(**facts, issued_at=now().replace(microsecond=0),
                              issued_by_id=user.id)
    attestation.code = compute_code(attestation)
    db.add(attestation)
    db.flush()
    audit(db, user, "attestation", attestation.id, "issue",
          comment=f"{hours} h du {start.isoformat()} au {end.isoformat()}")
    return attestation


def latest_issued(db: Session, contract_id: int, *, user: User) -> Attestation:
    """The last attestation issued for the contract to its holder, whoever asked for it: what
    the download (a GET) serves, without issuing anything."""
    contract = attested_contract(db, contract_id, user)
    _insertion_commitment(contract)
    attestation = _latest(db, contract)
    if attestation is None:
        raise NotFound("Aucune attestation n'a encore été générée pour ce contrat : utilisez le "
                       "bouton « Générer l'attestation » de la page du contrat.")
    return attestation


def verification_url(code: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/verification/{display_code(code)}"


def attestation_pdf(attestation: Attestation) -> bytes:
    base = get_settings().base_url.rstrip("/")
    return pdf.render_pdf("attestation.html", {
        "a": attestation, "code": display_code(attestation.code),
        "verify_url": verification_url(attestation.code), "verify_page": f"{base}/verification"})
