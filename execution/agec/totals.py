"""A buyer's own AGEC totals per calendar year and category, from its accounts, beside what the
holders declared on its contracts.

The yearly declaration (loi AGEC art. 58) covers the buyer's whole spend on each category, not
only the contracts with an AGEC commitment: the holders' declarations are a partial view, shown
for comparison, and the declaration file is built from the buyer's figures only.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from execution.agec.models import BuyerAgecTotal
from execution.indicators import queries as q
from portal import agec
from portal.agec import AgecCategory, Regime
from portal.audit import audit
from portal.clock import now, today
from portal.commitments import Money, decimal_from_text
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.formatting import money, plural
from portal.models import Organisation, User
from portal.money import cents
from portal.reporting_period import ReportingPeriod
from portal.validation import PlainText, french_errors, whole_number
from supplier.compliance.agec import percent

FIRST_YEAR = 2021  # loi AGEC art. 58 applies from 1 January 2021
AMOUNTS = ("total_excl_vat", "reuse_and_donation_excl_vat", "donation_excl_vat",
           "recycled_excl_vat")
FIELDS = (*AMOUNTS, "comment")
FIELD_NAMES = {"total_excl_vat": "montant total HT",
               "reuse_and_donation_excl_vat": "dont réemploi, réutilisation et dons",
               "donation_excl_vat": "dont dons",
               "recycled_excl_vat": "dont matières recyclées",
               "comment": "commentaire", "version": "version"}
NOT_SAVED = "Les totaux n'ont pas été enregistrés : corrigez les champs signalés."


def _total_required(value):
    value = decimal_from_text(value)
    if value is None:
        raise ValueError("Indiquez le montant total HT de la catégorie (0 si rien n'a été "
                         "acheté), ou videz toute la ligne.")
    return value


def _zero_when_blank(value):
    value = decimal_from_text(value)
    return Decimal(0) if value is None else value


class BuyerTotalIn(BaseModel):
    """One category's line as typed: « 1 250,50 »; a part left empty is 0."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    total_excl_vat: Annotated[Money, BeforeValidator(_total_required)]
    reuse_and_donation_excl_vat: Annotated[Money, BeforeValidator(_zero_when_blank)] = \
        Decimal(0)
    donation_excl_vat: Annotated[Money, BeforeValidator(_zero_when_blank)] = Decimal(0)
    recycled_excl_vat: Annotated[Money, BeforeValidator(_zero_when_blank)] = Decimal(0)
    comment: PlainText | None = Field(default=None, max_length=500)


def line_errors(line: BuyerTotalIn) -> dict[str, str]:
    """What the fields cannot say alone: a part above the total, donations above the
    « réemploi, réutilisation et dons » amount they are part of (the official file's
    `montant_produits_issus_don` is counted inside `montant_valorisation_et_don`)."""
    errors: dict[str, str] = {}
    for name in AMOUNTS[1:]:
        part = getattr(line, name)
        if part > line.total_excl_vat:
            errors[name] = (f"Ce montant ({money(part)}) dépasse le montant total HT de la "
                            f"catégorie ({money(line.total_excl_vat)}).")
    if ("donation_excl_vat" not in errors
            and line.donation_excl_vat > line.reuse_and_donation_excl_vat):
        errors["donation_excl_vat"] = (
            f"Les dons ({money(line.donation_excl_vat)}) sont compris dans le montant "
            f"« réemploi, réutilisation et dons » ({money(line.reuse_and_donation_excl_vat)}) : "
            "ils ne peuvent pas le dépasser.")
    return errors


# --- The year ----------------------------------------------------------------------------------

def default_year() -> int:
    """The year a buyer declares now: the one before (the file is due by 30 June of N+1)."""
    return max(today().year - 1, FIRST_YEAR)


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= today().year:
        raise NotFound(f"Aucune déclaration AGEC pour l'année {year} : choisissez une année "
                       f"de {FIRST_YEAR} à {today().year}.")
    return year


def years() -> list[int]:
    return list(range(today().year, FIRST_YEAR - 1, -1))


# --- Reading -----------------------------------------------------------------------------------

def year_totals(db: Session, buyer_org_id: int, year: int) -> dict[str, BuyerAgecTotal]:
    """The buyer's lines of the year, by category code (one statement)."""
    rows = db.scalars(select(BuyerAgecTotal).where(BuyerAgecTotal.buyer_org_id == buyer_org_id,
                                                   BuyerAgecTotal.year == year))
    return {row.category_code: row for row in rows}


def declared_by_holders(db: Session, buyer_org_id: int, year: int) -> list[q.AgecSpend]:
    """What the holders declared on the buyer's contracts for the year, per category: the
    AGEC lines of VALIDATED declarations whose period starts in the year (the indicators'
    selection), summed in one SQL statement."""
    return q.agec_spend(db, q.Scope(ReportingPeriod.of_year(year), buyer_org_id, today()))


@dataclass
class Figures:
    """One side's figures for a category, with their shares of the total (None: no total)."""

    total: Decimal
    reuse_and_donation: Decimal
    donation: Decimal
    recycled: Decimal
    lines: int | None = None  # holders' side: how many declaration lines

    @property
    def reuse_and_donation_share(self) -> Decimal | None:
        return percent(self.reuse_and_donation, self.total)

    @property
    def donation_share(self) -> Decimal | None:
        return percent(self.donation, self.total)

    @property
    def recycled_share(self) -> Decimal | None:
        return percent(self.recycled, self.total)


@dataclass
class CategoryRow:
    code: str
    label: str
    regime: Regime
    own: BuyerAgecTotal | None
    declared: Figures | None

    @property
    def accounts(self) -> Figures | None:
        if self.own is None:
            return None
        return Figures(self.own.total_excl_vat, self.own.reuse_and_donation_excl_vat,
                       self.own.donation_excl_vat, self.own.recycled_excl_vat)


def page_rows(db: Session, buyer_org_id: int, year: int) -> list[CategoryRow]:
    """Every category of the year's decree, the buyer's figures and the holders' side by side;
    then any other category the holders declared in the year (the first half of 2024 was still
    declared under décret 2021-254), read-only. Three statements whatever the data."""
    regime = agec.regime_of_year(year)
    own = year_totals(db, buyer_org_id, year)
    declared = {s.code: s for s in declared_by_holders(db, buyer_org_id, year)}

    def figures(code: str) -> Figures | None:
        s = declared.get(code)
        return None if s is None else Figures(s.total, s.reuse + s.donation, s.donation,
                                              s.recycled, s.lines)

    rows = [CategoryRow(c.code, c.label, regime, own.get(c.code), figures(c.code))
            for c in agec.categories(db, regime)]
    listed = {row.code for row in rows}
    rows += [CategoryRow(s.code, s.label, Regime(s.regime), None, figures(s.code))
             for s in declared.values() if s.code not in listed]
    return rows


def buyer_totals_by_category(db: Session, year: int, buyer_org_id: int | None, *,
                             buyer_org_ids: tuple[int, ...] | None = None
                             ) -> dict[str, Decimal]:
    """The buyers' own totals of the year per category (one buyer, or all of them), for the
    indicator pages: one SQL aggregate."""
    query = (select(BuyerAgecTotal.category_code, func.sum(BuyerAgecTotal.total_excl_vat))
             .where(BuyerAgecTotal.year == year).group_by(BuyerAgecTotal.category_code))
    if buyer_org_ids is not None:  # a central and its members
        query = query.where(BuyerAgecTotal.buyer_org_id.in_(buyer_org_ids))
    elif buyer_org_id is not None:
        query = query.where(BuyerAgecTotal.buyer_org_id == buyer_org_id)
    return {code: cents(total) for code, total in db.execute(query)}


# --- The form ----------------------------------------------------------------------------------

@dataclass
class ParsedForm:
    """What a submitted form says, category by category: the lines (None: emptied), the
    versions the page was read at, and the errors keyed « CODE.field »."""

    lines: dict[str, BuyerTotalIn | None]
    versions: dict[str, int]
    values: dict[str, dict[str, str]]
    errors: dict[str, str]


def parse_form(form, categories: list[AgecCategory]) -> ParsedForm:
    """Reads the fields « CODE.field » of the categories the page showed (a category whose
    version field is absent was not on the page and stays as it is)."""
    parsed = ParsedForm({}, {}, {}, {})
    for category in categories:
        code = category.code
        if f"{code}.version" not in form:
            continue
        version = whole_number(form.get(f"{code}.version"))
        parsed.versions[code] = version if version is not None else -1
        values = {name: str(form.get(f"{code}.{name}", "")).strip() for name in FIELDS}
        parsed.values[code] = values
        if not any(values.values()):
            parsed.lines[code] = None
            continue
        try:
            line = BuyerTotalIn.model_validate({k: v or None if k == "comment" else v
                                                for k, v in values.items()})
        except ValidationError as error:
            for key, message in french_errors(error).items():
                parsed.errors[f"{code}.{key}"] = message
            continue
        errors = line_errors(line)
        parsed.errors.update({f"{code}.{name}": message for name, message in errors.items()})
        if not errors:
            parsed.lines[code] = line
    return parsed


def error_labels(categories: list[AgecCategory]) -> dict[str, str]:
    """How the error summary names each field: « Papier, dont dons »."""
    return {f"{c.code}.{name}": f"{c.label}, {text}" for c in categories
            for name, text in FIELD_NAMES.items()}


# --- Saving ------------------------------------------------------------------------------------

def may_edit(user: User, buyer: Organisation) -> bool:
    return user.is_admin or (user.is_buyer and user.organisation_id == buyer.id)


def save_year(db: Session, *, buyer: Organisation, year: int, parsed: ParsedForm,
              user: User) -> int:
    """Writes the lines of one year; returns how many categories changed. Nothing is written
    when a field is wrong or when another person saved one of these categories since the page
    was read (optimistic version per category)."""
    if not may_edit(user, buyer):
        raise Forbidden("Vous ne pouvez saisir que les totaux de votre organisation.")
    check_year(year)
    if parsed.errors:
        raise Invalid(NOT_SAVED, field_errors=parsed.errors)
    existing = year_totals(db, buyer.id, year)
    stale = [code for code, version in parsed.versions.items()
             if version != (existing[code].version if code in existing else 0)]
    if stale:
        labels = {c.code: c.label for c in agec.categories(db)}
        raise Conflict(
            f"Ces totaux ont été modifiés entre-temps par une autre personne "
            f"({', '.join(labels.get(code, code) for code in stale)}) : rien n'a été "
            "enregistré. Vos saisies sont affichées ci-dessous ; rechargez la page pour voir "
            "les montants actuels avant de les reporter.",
            field_errors={f"{code}.version": "Modifié entre-temps par une autre personne."
                          for code in stale})
    changed = []
    for code, line in parsed.lines.items():
        row = existing.get(code)
        if line is None:
            if row is not None:
                db.delete(row)
                changed.append(code)
            continue
        wanted = line.model_dump()
        if row is not None and all(getattr(row, k) == v for k, v in wanted.items()):
            continue
        if row is None:
            row = BuyerAgecTotal(buyer_org_id=buyer.id, year=year, category_code=code,
                                 version=0)
            db.add(row)
        for name, value in wanted.items():
            setattr(row, name, value)
        row.updated_by_id, row.updated_at = user.id, now()
        row.version += 1
        changed.append(code)
    if changed:
        try:
            db.flush()
        except IntegrityError:
            # Two first saves of one category at once: the unique line refuses the second.
            raise Conflict("Ces totaux viennent d'être enregistrés par une autre personne : rien "
                           "n'a été enregistré ; rechargez la page.") from None
        audit(db, user, "agec_buyer_total", buyer.id, "update",
              comment=f"{year} : {', '.join(changed)}")
    return len(changed)


def saved_message(year: int, changed: int) -> str:
    if not changed:
        return f"Totaux AGEC {year} : aucun changement."
    return (f"Totaux AGEC {year} enregistrés : "
            f"{plural(changed, 'catégorie modifiée', 'catégories modifiées')}.")

