"""AGEC shares (loi AGEC art. 58): one line per product category of the decree that applies to
the period, with the spend excl. VAT and its parts from reuse, donations and recycled material."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.orm import Session

from portal import agec
from portal.agec import Regime
from portal.commitments import decimal_from_text, params_of
from portal.errors import Invalid
from portal.formatting import money
from portal.models import CommitmentKind, Contract, User
from portal.money import Cents
from supplier.compliance.agec import REGIME_TITLES, agec_compliance, percent, shares
from supplier.kinds.base import KindHandler, register
from supplier.models import AgecLine, Declaration
from supplier.schemas import DeclarationIn

AMOUNTS = ("total_excl_vat", "reuse_excl_vat", "donation_excl_vat", "recycled_excl_vat")
PARTS = AMOUNTS[1:]
FIELDS = ("category_code", *AMOUNTS)
MAX_AGEC_LINES = 100  # far more than the 17 categories: duplicates are refused with a message
NOT_SAVED = "La déclaration n'a pas été enregistrée : corrigez les champs signalés."
PART_NAMES = {"reuse_excl_vat": "Le montant issu du réemploi ou de la réutilisation",
              "donation_excl_vat": "Le montant des dons",
              "recycled_excl_vat": "Le montant intégrant des matières recyclées"}
OTHER_REGIME = {
    Regime.decree_2021: "Cette catégorie relève du décret 2024-134, qui ne s'applique qu'à partir "
                        "du 1er juillet 2024 : pour cette période, choisissez une ligne du "
                        "décret 2021-254.",
    Regime.decree_2024: "Cette catégorie relève du décret 2021-254, abrogé le 1er juillet 2024 : "
                        "pour cette période, choisissez une catégorie du décret 2024-134.",
}


def _total_required(value):
    value = decimal_from_text(value)
    if value is None:
        raise ValueError("Indiquez le montant total HT dépensé pour cette catégorie.")
    return value


def _zero_when_blank(value):
    value = decimal_from_text(value)
    return Decimal(0) if value is None else value


Total = Annotated[Decimal, BeforeValidator(_total_required),
                  Field(gt=0, max_digits=14, decimal_places=2)]
Part = Annotated[Decimal, BeforeValidator(_zero_when_blank),
                 Field(ge=0, max_digits=14, decimal_places=2)]


class AgecLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, from_attributes=True)

    category_code: str = Field(min_length=1, max_length=40)
    total_excl_vat: Total
    reuse_excl_vat: Part = Decimal(0)
    donation_excl_vat: Part = Decimal(0)
    recycled_excl_vat: Part = Decimal(0)


class AgecDeclarationIn(DeclarationIn):
    lines: list[AgecLineIn] = Field(default_factory=list, max_length=MAX_AGEC_LINES)


class AgecLineOut(BaseModel):
    category_code: str
    category_label: str
    total_excl_vat: Cents
    reuse_excl_vat: Cents
    donation_excl_vat: Cents
    recycled_excl_vat: Cents
    # Shares of the line's total in percent, one decimal (the regime's minimums are per
    # calendar year: see the contract's compliance); the global share is the 2021 regime's.
    reuse_share: Decimal | None
    donation_share: Decimal | None
    recycled_share: Decimal | None
    global_share: Decimal | None


class AgecContentOut(BaseModel):
    regime: Regime
    lines: list[AgecLineOut]


def line_errors(lines: list[AgecLineIn]) -> dict[str, str]:
    """What a form cannot say alone: a part above the total, the same category twice."""
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, line in enumerate(lines):
        key = f"lines.{index}."
        if line.category_code in seen:
            errors[key + "category_code"] = (
                f"Cette catégorie figure déjà à la ligne {seen[line.category_code] + 1} : "
                "regroupez ses montants sur une seule ligne.")
        seen.setdefault(line.category_code, index)
        for name in PARTS:
            part = getattr(line, name)
            if part > line.total_excl_vat:
                errors[key + name] = (f"{PART_NAMES[name]} ({money(part)}) dépasse le montant "
                                      f"total de la ligne ({money(line.total_excl_vat)}).")
        parts = sum((getattr(line, name) for name in PARTS), Decimal(0))
        if parts > line.total_excl_vat and not any(key + name in errors for name in PARTS):
            # A purchase counts in one part only; otherwise the 2021 global share would pass
            # 100 % of the spend.
            errors[key + "total_excl_vat"] = (
                f"Le réemploi, les dons et les matières recyclées ({money(parts)} au total) "
                f"dépassent le montant total de la ligne ({money(line.total_excl_vat)}) : un "
                "même achat ne se compte que dans une seule part.")
    return errors


def offered_categories(db: Session, contract: Contract, commitment, regime: Regime):
    """The categories the form offers: those of the contract under the period's decree, or all
    of that decree when the contract chose none of them."""
    of_regime = agec.categories(db, regime)
    chosen = set(params_of(commitment).categories)
    return [c for c in of_regime if c.code in chosen] or of_regime


@register
class AgecShare(KindHandler):
    kind = CommitmentKind.agec_share
    label = "Parts AGEC (réemploi, réutilisation, matières recyclées)"
    schema = AgecDeclarationIn

    def payload_from_declaration(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        lines = sorted(declaration.agec_lines, key=lambda line: line.category.position)
        return {"version": declaration.version,
                "supplier_comment": declaration.supplier_comment,
                "lines": [{"category_code": line.category_code,
                           **{name: getattr(line, name) for name in AMOUNTS}}
                          for line in lines]}

    def form_context(self, db, declaration, payload, *, extra_rows):
        regime = agec.regime_for(declaration.period_end)
        catalogue = {c.code: c for c in agec.categories(db)}
        # Filled lines first, in the order typed, so that « Ligne n » in a message is row n.
        rows = [{"index": index, "values": line, "category": catalogue.get(line["category_code"])}
                for index, line in enumerate(payload["lines"])]
        present = {line["category_code"] for line in payload["lines"]}
        rows += [{"index": None, "values": {"category_code": c.code}, "category": c}
                 for c in offered_categories(db, declaration.contract, declaration.commitment,
                                             regime) if c.code not in present]
        return {"payload": payload, "rows": rows, "regime": regime,
                "regime_title": REGIME_TITLES[regime]}

    def view_context(self, db: Session, declaration: Declaration) -> dict[str, Any]:
        regime = agec.regime_for(declaration.period_end)
        year = declaration.period_start.year
        lines = sorted(declaration.agec_lines, key=lambda line: line.category.position)
        in_force = agec.thresholds_in_force(db, {(line.category_code, year) for line in lines})
        return {"agec_year": year, "regime_title": REGIME_TITLES[regime], "agec_lines": [
            {"line": line, "shares": shares(
                regime, total=line.total_excl_vat, reuse=line.reuse_excl_vat,
                donation=line.donation_excl_vat, recycled=line.recycled_excl_vat,
                threshold=in_force[(line.category_code, year)])}
            for line in lines]}

    def validate(self, payload: dict[str, Any]) -> AgecDeclarationIn:
        data = AgecDeclarationIn.model_validate(payload)
        if errors := line_errors(data.lines):
            raise Invalid(NOT_SAVED, field_errors=errors)
        return data

    def apply(self, db: Session, declaration: Declaration, data: AgecDeclarationIn, *,
              user: User) -> None:
        regime = agec.regime_for(declaration.period_end)
        known = agec.known_codes(db, {line.category_code for line in data.lines})
        errors = {}
        for index, line in enumerate(data.lines):
            if line.category_code not in known:
                errors[f"lines.{index}.category_code"] = (
                    f"Catégorie AGEC inconnue : « {line.category_code} ». Choisissez une "
                    "catégorie de la liste.")
            elif known[line.category_code] != regime:
                errors[f"lines.{index}.category_code"] = OTHER_REGIME[regime]
        if errors:
            raise Invalid(NOT_SAVED, field_errors=errors)
        declaration.agec_lines = [AgecLine(**line.model_dump()) for line in data.lines]

    def content_out(self, declaration: Declaration) -> dict[str, Any]:
        regime = agec.regime_for(declaration.period_end)
        lines = []
        for line in declaration.agec_lines:
            total = line.total_excl_vat

            def share(part, total=total):
                value = percent(Decimal(part), Decimal(total))
                return None if value is None else value.quantize(Decimal("0.1"), ROUND_HALF_UP)

            lines.append(AgecLineOut(
                category_code=line.category_code, category_label=line.category.label,
                **{name: getattr(line, name) for name in AMOUNTS},
                reuse_share=share(line.reuse_excl_vat),
                donation_share=share(line.donation_excl_vat),
                recycled_share=share(line.recycled_excl_vat),
                global_share=(share(line.reuse_excl_vat + line.recycled_excl_vat)
                              if regime == Regime.decree_2021 else None)))
        return AgecContentOut(regime=regime, lines=lines).model_dump(mode="json")

    def compliance(self, db: Session, contract: Contract, commitment) -> dict[str, Any]:
        return agec_compliance(db, contract, commitment)
