"""Plausibility of insertion hours, in one place: a line above what one person can work in the
period, or a declaration far above the contract's expected pace, is flagged. A flag is not a
refusal (overtime exists): the filer answers each standing flag with a comment before
submitting (`unanswered`), and the buyer and the facilitator read the flags and their answers.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from portal.formatting import hours, number, plain_number
from portal.money import cents
from portal.periods import months_between
from portal.settings import get_settings
from supplier.compliance.insertion import expected_hours_between
from supplier.models import Declaration, Subject

PACE_FIELD = "pace_comment"
REFUSED = ("La déclaration n'a pas été déposée : des heures sont signalées comme inhabituelles "
           "({where}). Ce n'est pas un refus : répondez à chaque signalement par un commentaire, "
           "puis déposez.")


@dataclass(frozen=True)
class Line:
    """The figures of one line a flag needs, from a saved line, the API or the form."""

    hours: Decimal | None
    beneficiary_ref: str | None = None
    flag_comment: str | None = None
    line_count: int = 1  # lines merged past the retention period count for as many people


@dataclass(frozen=True)
class LineFlag:
    index: int  # position of the line in the declaration, from 0 (the form's and API's key)
    beneficiary_ref: str | None
    hours: Decimal
    limit: Decimal
    comment: str | None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def field(self) -> str:
        return f"lines.{self.index}.flag_comment"

    @property
    def message(self) -> str:
        return (f"{hours(self.hours)} déclarées sur cette ligne : plus que ce qu'une personne "
                f"peut travailler sur la période ({hours(self.limit)}).")


@dataclass(frozen=True)
class PaceFlag:
    hours: Decimal
    expected: Decimal  # the contract's expected hours for the period
    factor: Decimal
    comment: str | None

    @property
    def limit(self) -> Decimal:
        return cents(self.expected * self.factor)

    field = PACE_FIELD

    @property
    def message(self) -> str:
        factor = number(self.factor, 0 if self.factor == self.factor.to_integral_value() else 2)
        return (f"{hours(self.hours)} déclarées : plus de {factor} fois les "
                f"heures attendues sur la période au rythme du marché ({hours(self.expected)} "
                f"attendues, seuil {hours(self.limit)}).")


@dataclass(frozen=True)
class Flags:
    lines: tuple[LineFlag, ...] = ()
    pace: PaceFlag | None = None

    def __bool__(self) -> bool:
        return bool(self.lines) or self.pace is not None

    def for_line(self, index: int) -> LineFlag | None:
        return next((flag for flag in self.lines if flag.index == index), None)

    def unanswered(self) -> dict[str, str]:
        """The comments still missing, by field: what refuses the submission."""
        errors = {flag.field: f"{hours(flag.hours)} pour {hours(flag.limit)} au plus par "
                              "personne sur la période : expliquez-le en commentaire "
                              "(heures supplémentaires, plusieurs contrats…) pour déposer."
                  for flag in self.lines if not flag.comment}
        if (pace := self.pace) is not None and not pace.comment:
            errors[PACE_FIELD] = (f"{hours(pace.hours)} pour un seuil de {hours(pace.limit)} "
                                  "au rythme du marché : expliquez-le en commentaire pour "
                                  "déposer.")
        return errors

    def refusal(self) -> str:
        """The summary of `unanswered`, naming the lines."""
        missing = self.unanswered()
        numbers = [str(f.number) for f in self.lines if f.field in missing]
        where = []
        if numbers:
            where.append(("ligne " if len(numbers) == 1 else "lignes ") + ", ".join(numbers))
        if PACE_FIELD in missing:
            where.append("rythme de la déclaration")
        return REFUSED.format(where=" ; ".join(where))


def person_hours(declaration: Declaration) -> Decimal:
    """What one person can work in the declaration's period: the monthly hours of the settings
    times the period's months (a month begun counts as one)."""
    months = months_between(declaration.period_start, declaration.period_end)
    return cents(get_settings().insertion_monthly_hours_per_person * months)


def assess(db: Session, declaration: Declaration, lines: Sequence[Line],
           pace_comment: str | None) -> Flags:
    """The flags of ``lines`` filed (or about to be) on ``declaration``."""
    if declaration.subject != Subject.period:
        return Flags()
    one_person = person_hours(declaration)
    flagged = tuple(LineFlag(index, line.beneficiary_ref, line.hours,
                             one_person * line.line_count, line.flag_comment)
                    for index, line in enumerate(lines)
                    if line.hours is not None and line.hours > one_person * line.line_count)
    total = sum((line.hours for line in lines if line.hours is not None), Decimal(0))
    pace = None
    if total > 0:
        expected = expected_hours_between(db, declaration.commitment_id,
                                          declaration.period_start, declaration.period_end)
        factor = get_settings().insertion_pace_factor
        # No expected hours (a target of 0): no pace to compare with.
        if expected > 0 and total > cents(expected * factor):
            pace = PaceFlag(total, expected, factor, pace_comment)
    return Flags(flagged, pace)


def of_declaration(db: Session, declaration: Declaration) -> Flags:
    """The flags of the declaration as saved, with the answers saved."""
    return assess(db, declaration, [
        Line(line.hours, line.beneficiary_ref, line.flag_comment, line.line_count)
        for line in declaration.insertion_lines], declaration.pace_comment)


def _hours(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        found = Decimal(plain_number(str(value or "")))
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


def of_rows(db: Session, declaration: Declaration, rows: Iterable[dict[str, Any]],
            pace_comment: str | None) -> Flags:
    """The flags of a form's rows as typed (text or numbers; what does not parse is left to the
    form's own errors)."""
    return assess(db, declaration, [
        Line(_hours(row.get("hours")), row.get("beneficiary_ref") or None,
             str(row.get("flag_comment") or "").strip() or None,
             int(row.get("line_count") or 1)) for row in rows], pace_comment)
