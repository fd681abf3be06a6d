"""Demo data of the purchasing central: the métropole buys for two member communes; one uses
its first insertion contract for a given amount, the other without one. The métropole's
dashboard offers « centrale + membres » and its « par centrale d'achat » figures. Loading it
twice changes nothing."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.centrals import memberships
from portal import identity
from portal.centrals import CentralContractUse, CentralMembership
from portal.models import Commitment, CommitmentKind, Contract, Organisation, OrgKind, User

ADMIN = "admin@loire-estuaire.example.fr"
MEMBERS = (("Commune de Rezé-Estuaire", "21440143600016", "44400", Decimal("60000")),
           ("Commune de Couëron-Estuaire", "21440047900017", "44220", None))


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    central = organisations["metropole"]
    used = db.scalar(select(Contract).join(Commitment, Commitment.contract_id == Contract.id)
                     .where(Contract.buyer_org_id == central.id,
                            Commitment.kind == CommitmentKind.insertion_hours)
                     .order_by(Contract.id).limit(1))
    for name, siret, postcode, amount in MEMBERS:
        member = identity.find_organisation_by_siret(db, siret) or identity.create_organisation(
            db, name=name, siret=siret, kind=OrgKind.buyer, postcode=postcode)
        joined = select(CentralMembership.id).where(
            CentralMembership.central_org_id == central.id,
            CentralMembership.member_org_id == member.id)
        if db.scalar(joined) is None:
            memberships.add(db, admin=users[ADMIN], central_siret=central.siret or "",
                            member_siret=siret)
        if used is not None and db.scalar(select(CentralContractUse.id).where(
                CentralContractUse.contract_id == used.id,
                CentralContractUse.member_org_id == member.id)) is None:
            db.add(CentralContractUse(contract_id=used.id, member_org_id=member.id,
                                      amount_excl_vat=amount))
    db.flush()
