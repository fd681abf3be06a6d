"""Demo data for AGEC shares: a supplies contract 2023–2025 over both decrees (2021-254 until
June 2024, then 2024-134), with quarterly declarations in every status; and the métropole's own
2025 totals from its accounts, which its declaration file is built from. Loading it twice
changes nothing."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution import setup
from execution.agec import totals
from execution.demo.flow import at as _at
from execution.demo.flow import take_to
from portal import agec, clock
from portal.agec import regime_for
from portal.commitments import AgecParams
from portal.models import Contract, Organisation, User
from portal.money import cents
from portal.schemas import ContractIn
from supplier.kinds.agec import AgecDeclarationIn, AgecLineIn
from supplier.models import Declaration, Status

REFERENCE = "LE-2023-021"
AGENT = "claire.martin@loire-estuaire.example.fr"
FILER = "direction@batir-ouest.example.fr"
CATEGORIES = ["D2021_L04", "D2021_MOBILIER", "D2024_INFORMATIQUE_TELEPHONIE", "D2024_MOBILIER"]
V, R, S, D, E = (Status.validated, Status.returned, Status.submitted, Status.draft,
                 Status.expected)
# 2023 Q1 → 2025 Q4: the last quarter is still expected.
STATUSES = [V, V, V, V, V, V, V, R, V, S, D, E]
# Per decree: (category, quarterly spend, reuse, donations, recycled) as shares of the spend.
SPEND = {
    "2021": [("D2021_L04", 42000, Decimal("0.18"), Decimal(0), Decimal("0.04")),
             ("D2021_MOBILIER", 26000, Decimal("0.12"), Decimal(0), Decimal("0.10"))],
    "2024": [("D2024_INFORMATIQUE_TELEPHONIE", 38000, Decimal("0.21"), Decimal("0.02"),
              Decimal("0.05")),
             ("D2024_MOBILIER", 22000, Decimal("0.17"), Decimal(0), Decimal("0.26"))],
}



def _lines(declaration: Declaration, seed: int) -> list[AgecLineIn]:
    lines = []
    for code, spend, reuse, donation, recycled in SPEND[regime_for(declaration.period_end)]:
        total = Decimal(spend + 1750 * (seed % 4) - 900 * (seed % 3))
        # Some quarters do a little better or worse, so the yearly shares are not round.
        drift = Decimal((seed % 5) - 2) / 100
        lines.append(AgecLineIn(
            category_code=code, total_excl_vat=total,
            reuse_excl_vat=cents(total * max(reuse + drift, Decimal(0))),
            donation_excl_vat=cents(total * donation),
            recycled_excl_vat=cents(total * recycled)))
    return lines


# The métropole's 2025 accounts per category: (total, of which reuse / re-use and donations,
# of which donations, of which recycled, comment). Its whole spend, so well above what the
# holder of the demo contract declared (about 150 000 € of IT, 90 000 € of furniture).
ACCOUNTS_YEAR = 2025
ACCOUNTS = {
    "D2024_INFORMATIQUE_TELEPHONIE": ("412 650,00", "63 180,00", "4 200,00", "18 940,00",
                                      "Dont postes reconditionnés du marché LE-2023-021"),
    "D2024_MOBILIER": ("186 300,00", "27 450,00", "0", "51 870,00", ""),
    "D2024_PAPIER": ("58 920,00", "0", "0", "41 244,00", "Papier recyclé pour tous les services"),
    "D2024_FOURNITURES_BUREAU": ("37 415,50", "1 120,00", "0", "9 640,00", ""),
    "D2024_TEXTILES": ("96 780,00", "6 820,00", "1 950,00", "17 300,00",
                       "Vêtements de travail des agents de la voirie"),
    "D2024_MOBILIER_URBAIN": ("264 000,00", "18 400,00", "0", "71 280,00", ""),
    "D2024_JEUX_JOUETS": ("12 600,00", "2 840,00", "1 260,00", "0", "Crèches métropolitaines"),
}


def load_accounts(db: Session, buyer: Organisation, agent: User) -> None:
    """The buyer's own totals of 2025, entered as the page would: nothing when some exist."""
    if totals.year_totals(db, buyer.id, ACCOUNTS_YEAR):
        return
    form = {}
    for code, values in ACCOUNTS.items():
        form[f"{code}.version"] = "0"
        form.update({f"{code}.{name}": value for name, value in zip(totals.FIELDS, values,
                                                                    strict=True)})
    categories = agec.categories(db, agec.regime_of_year(ACCOUNTS_YEAR))
    totals.save_year(db, buyer=buyer, year=ACCOUNTS_YEAR, user=agent,
                     parsed=totals.parse_form(form, categories))


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    load_accounts(db, organisations["metropole"], users[AGENT])
    buyer_id = organisations["metropole"].id
    if db.scalar(select(Contract.id).where(Contract.buyer_org_id == buyer_id,
                                           Contract.reference == REFERENCE)):
        return
    agent, filer = users[AGENT], users[FILER]
    data = ContractIn(
        reference=REFERENCE, object="Fourniture de mobilier de bureau et de matériel "
        "informatique, dont du matériel reconditionné", nature="supplies",
        holder_id=organisations["btp"].id, starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31), notified_on=date(2022, 11, 15), frequency="quarterly",
        amount_excl_vat=Decimal("780000"), cpv_code="39130000-2",
        environmental_clause=True, agec=AgecParams(categories=CATEGORIES))
    try:
        clock.freeze(_at(data.notified_on))
        contract = setup.create_contract(db, data, buyer=agent)
        declarations = db.scalars(select(Declaration).where(
            Declaration.commitment_id == contract.commitments[0].id)
            .order_by(Declaration.period_start)).all()
        for seed, (declaration, status) in enumerate(zip(declarations, STATUSES, strict=False)):
            if status != E:
                _file(db, declaration, status, filer, agent, seed=seed)
    finally:
        clock.freeze(None)


def _file(db, declaration, status, filer, agent, *, seed: int) -> None:
    data = AgecDeclarationIn(version=declaration.version, lines=_lines(declaration, seed))
    take_to(db, declaration, data, status, filer=filer, agent=agent, filed_after=4,
            reviewed_after=10,
            return_comment="Merci de joindre l'attestation du reconditionneur pour les "
                           "ordinateurs portables comptés en réemploi, et de vérifier le "
                           "montant du mobilier.")
