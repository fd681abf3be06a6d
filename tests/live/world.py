"""The live server's data, written through the portal's own services and committed for real.

- one buyer organisation with two agents, the reviewers;
- FILERS supplier organisations, each with one user and one yearly contract of this year: one
  declaration each, due in January next year (never reminded nor overdue while this year
  lasts);
- one supplier with REVIEWS declarations of this year already submitted, for the reviewers;
- one supplier whose contracts of this year are filed in large submissions while the server is
  killed;
- OVERDUE_HOLDERS suppliers with a monthly contract of two years ago, filed by nobody: the
  scheduler's overdue alerts (to the holder, then to both agents) and the survey campaigns of
  ended contracts.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from execution import setup
from portal import identity
from portal.commitments import InsertionHoursParams
from portal.models import Organisation, OrgKind, Role, User
from supplier import service as filing
from supplier.schemas import InsertionDeclarationIn
from supplier.service import declarations_of
from tests.factories import PASSWORD, contract_data, line, valid_siret

FILERS = 200
REVIEWS = 40
OVERDUE_HOLDERS = 5
CRASH_ROUNDS, CRASH_BATCH = 6, 6  # kill -9 rounds, submissions in flight in each
MONTHS = 12
# Real argon2, with the lightest parameters: hundreds of logins check a real hash without
# spending the CPU the concurrency under test needs (a hash carries its own parameters).
LIGHT_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


@dataclass
class World:
    reviewers: list[str] = field(default_factory=list)
    # (e-mail, declaration id) of each filer.
    filers: list[tuple[str, int]] = field(default_factory=list)
    reviewed: list[int] = field(default_factory=list)  # submitted declarations to review
    crash_filer: str = ""
    crash_declarations: list[int] = field(default_factory=list)


class _Seeder:
    def __init__(self, db: Session):
        self.db, self.n = db, 0

    def organisation(self, kind: OrgKind, name: str) -> Organisation:
        self.n += 1
        return identity.create_organisation(self.db, name=f"{name} {self.n}",
                                            siret=valid_siret(7_000_000 + self.n), kind=kind)

    def user(self, role: Role, organisation: Organisation, email: str) -> User:
        user = identity.create_user(self.db, email=email, full_name=f"Personne {self.n}",
                                    role=role, organisation=organisation, password=None)
        user.password_hash = LIGHT_HASH
        return user

    def contract(self, buyer: User, holder: Organisation, *, year: int, frequency: str):
        return setup.create_contract(self.db, contract_data(
            holder, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), frequency=frequency,
            insertion=InsertionHoursParams(target_hours=Decimal("1000"))), buyer=buyer)


def seed(engine: Engine) -> World:
    # The servers' clock, not the suite's (a test may have frozen portal.clock).
    world, year = World(), datetime.now(UTC).year
    with Session(engine, expire_on_commit=False) as db:
        make = _Seeder(db)
        buyer_org = make.organisation(OrgKind.buyer, "Métropole")
        buyer = make.user(Role.buyer, buyer_org, "agent1@metropole.example.fr")
        make.user(Role.buyer, buyer_org, "agent2@metropole.example.fr")
        world.reviewers = ["agent1@metropole.example.fr", "agent2@metropole.example.fr"]
        for index in range(FILERS):
            holder = make.organisation(OrgKind.supplier, "Entreprise")
            email = f"deposant{index:03d}@entreprise.example.fr"
            make.user(Role.supplier, holder, email)
            contract = make.contract(buyer, holder, year=year, frequency="yearly")
            world.filers.append((email, declarations_of(db, contract)[0].id))
        reviewed_holder = make.organisation(OrgKind.supplier, "Titulaire examiné")
        filer = make.user(Role.supplier, reviewed_holder, "examine@entreprise.example.fr")
        for index in range(REVIEWS):
            contract = make.contract(buyer, reviewed_holder, year=year, frequency="yearly")
            declaration = declarations_of(db, contract)[0]
            filing.submit(db, declaration.id, InsertionDeclarationIn(
                version=declaration.version, lines=[
                    line(beneficiary_ref=f"R{index:02d}-{k}", hours=Decimal(10 + k))
                    for k in range(3)]), user=filer)
            world.reviewed.append(declaration.id)
        crash_holder = make.organisation(OrgKind.supplier, "Gros déposant")
        world.crash_filer = "gros-deposant@entreprise.example.fr"
        make.user(Role.supplier, crash_holder, world.crash_filer)
        for _ in range(CRASH_ROUNDS * CRASH_BATCH):
            contract = make.contract(buyer, crash_holder, year=year, frequency="yearly")
            world.crash_declarations.append(declarations_of(db, contract)[0].id)
        for index in range(OVERDUE_HOLDERS):
            holder = make.organisation(OrgKind.supplier, "Retardataire")
            make.user(Role.supplier, holder, f"retard{index:02d}@entreprise.example.fr")
            make.contract(buyer, holder, year=year - 2, frequency="monthly")
        db.commit()
    return world
