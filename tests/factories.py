"""Plain factory functions; they commit (inside a test that only releases a savepoint)."""

from datetime import date
from decimal import Decimal
from itertools import count

from portal import identity
from portal.commitments import InsertionHoursParams
from portal.models import KIND_OF_ROLE, Contract, Organisation, OrgKind, Role, User
from portal.schemas import ContractIn
from portal.siret import luhn_ok
from supplier import service as filing
from supplier.models import Declaration
from supplier.schemas import InsertionDeclarationIn, InsertionLineIn

PASSWORD = "mot-de-passe-de-test-1"
_sequence = count(1)


def valid_siret(seed: int) -> str:
    base = f"{seed:013d}"
    return next(base + str(d) for d in range(10) if luhn_ok(base + str(d)))


def make_org(db, kind: OrgKind = OrgKind.supplier, **fields) -> Organisation:
    n = next(_sequence)
    organisation = identity.create_organisation(
        db, name=fields.pop("name", f"Organisation {n}"),
        siret=fields.pop("siret", valid_siret(1_000_000 + n)), kind=kind, **fields)
    db.commit()
    return organisation


def make_user(db, role: Role = Role.supplier, organisation: Organisation | None = None,
              **fields) -> User:
    n = next(_sequence)
    if organisation is None:
        organisation = make_org(db, KIND_OF_ROLE[role])
    user = identity.create_user(db, email=fields.pop("email", f"user{n}@example.fr"),
                                full_name=fields.pop("full_name", f"Utilisateur {n}"),
                                role=role, organisation=organisation,
                                password=fields.pop("password", PASSWORD))
    db.commit()
    return user


def contract_data(holder: Organisation, **fields) -> ContractIn:
    n = next(_sequence)
    values = dict(reference=f"C-{n:04d}", object="Travaux de rénovation", nature="works",
                  starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
                  frequency="quarterly", holder_id=holder.id,
                  insertion=InsertionHoursParams(target_hours=Decimal("1000")))
    values.update(fields)
    return ContractIn(**values)


def make_contract(db, buyer: User, holder: Organisation, **fields) -> Contract:
    from execution import setup

    contract = setup.create_contract(db, contract_data(holder, **fields), buyer=buyer)
    db.commit()
    return contract


def line(**fields) -> InsertionLineIn:
    values = dict(beneficiary_ref="B-001", public_category="RSA", sex="F", age_band="26_49",
                  execution_mode="EMBAUCHE_DIRECTE", hours=Decimal("35"))
    values.update(fields)
    return InsertionLineIn(**values)


def declarations(db, contract: Contract) -> list[Declaration]:
    db.expire_all()
    return filing.declarations_of(db, contract)


def submit(db, declaration: Declaration, holder_user: User, *lines,
           pace_comment: str | None = "Rythme expliqué au facilitateur.") -> Declaration:
    """Submits ``lines``; the flags of supplier.plausibility (a line above one person's hours,
    a declaration far above the contract's pace) are answered, so that tests of other rules
    may file any hours."""
    from supplier.plausibility import person_hours

    one_person = person_hours(declaration)
    answered = [item if item.flag_comment or item.hours <= one_person else
                item.model_copy(update={"flag_comment": "Heures expliquées au facilitateur."})
                for item in lines or [line()]]
    data = InsertionDeclarationIn(version=declaration.version, lines=answered,
                                  pace_comment=pace_comment)
    filing.submit(db, declaration.id, data, user=holder_user)
    db.commit()
    return declaration
