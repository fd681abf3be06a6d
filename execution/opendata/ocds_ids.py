"""OCDS identifiers of a contract, built by the rules of the ministry's DECP → OCDS conversion
(decp-rama, scripts/jq/ocds, README « Identifiants »), so that a contract the portal publishes
carries the ocid the national OCDS feed gives it.

- ``uid`` = buyer SIRET + DECP ``id`` (the contract's reference);
- ``ocid`` = ``ocds-78apv2-`` + the uid without its modification sequence: the last two
  characters are dropped when they are the two-digit number of modifications. With no
  modification the uid is kept whole: the README's examples and the converter's expected output
  (tests/expectedResult/001_marche_simple.json keeps « …00 ») agree on that, its prose does not;
- release id = ocid + ``-NN`` (00 the contract as awarded, then one per modification);
- object ids = ocid + ``-award-1``, ``-contract-1``, ``-item-1``, ``-amendment-N``…;
- party ids = ``FR-RCS-<SIRET>-buyer`` / ``-supplier`` (the role in the id: a buyer that
  holds its own contract is two parties).
"""

from portal.models import Organisation

OCID_PREFIX = "ocds-78apv2"
# The converter names SIRETs by the FR-RCS scheme; a holder known only by another DECP
# identifier (TVA, HORS-UE, TAHITI, RIDET, FRWF, IREP) keeps that kind as its scheme, prefixed
# so that nobody mistakes it for an org-id.guide list code.
SIRET_SCHEME = "FR-RCS"
FOREIGN_SCHEME_PREFIX = "DECP-"


def decp_uid(buyer_siret: str | None, reference: str) -> str:
    return f"{buyer_siret or ''}{reference}"


def ocid(buyer_siret: str | None, reference: str, modifications: int) -> str:
    uid = decp_uid(buyer_siret, reference)
    sequence = f"{modifications:02d}"
    if modifications and len(reference) > 2 and uid.endswith(sequence):
        uid = uid[:-2]
    return f"{OCID_PREFIX}-{uid}"


def release_id(ocid_: str, sequence: int) -> str:
    return f"{ocid_}-{sequence:02d}"


def object_id(ocid_: str, kind: str, number: int | str = 1) -> str:
    return f"{ocid_}-{kind}-{number}"


def scheme_and_id(organisation: Organisation) -> tuple[str, str] | None:
    """The organisation's identifier as OCDS ``identifier.scheme`` / ``identifier.id``."""
    if organisation.siret:
        return SIRET_SCHEME, organisation.siret
    if organisation.foreign_id:
        kind = (organisation.foreign_id_kind or "AUTRE").upper()
        return f"{FOREIGN_SCHEME_PREFIX}{kind}", organisation.foreign_id
    return None


def party_id(organisation: Organisation, role: str) -> str:
    identified = scheme_and_id(organisation)
    if identified is None:  # never on a register kept by the portal's rules; still unique
        return f"portail-{organisation.id}-{role}"
    scheme, id_ = identified
    return f"{scheme}-{id_}-{role}"
