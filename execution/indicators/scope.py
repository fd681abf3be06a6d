"""Whose indicators a user may read: a buyer its own organisation's, an administrator all of them
or one buyer organisation's; suppliers none; a facilitator the insertion indicators of the
contracts it follows (`facilitated`), never through the buyer side's pages. Used by the
dashboard, the exports and the reports."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.centrals import consolidated_ids, is_central
from portal.clock import today
from portal.errors import Forbidden, NotFound
from portal.facilitators import FacilitatorAssignment
from portal.formatting import plural
from portal.identity import find_organisation_by_siret
from portal.models import Organisation, OrgKind, User
from portal.reporting_period import AboutAPeriod, BadPeriod, ReportingPeriod, parse_period

FIRST_YEAR = 2000
TREND_YEARS = 5  # the trends show the year asked and the four before it


@dataclass(frozen=True)
class Scope(AboutAPeriod):
    period: ReportingPeriod  # a year, a semester or a quarter (a bare year is turned into one)
    buyer: Organisation | None  # None: every buyer organisation (administrators only)
    # A facilitator's scope: the contracts its organisation works on, of ``buyer`` or of every
    # buyer it works for (execution.facilitation); only the insertion indicators are computed.
    facilitator_org_id: int | None = None
    # A purchasing central's consolidation (« centrale + membres »): ``buyer`` is the central,
    # these the ids of the central and its members (portal.centrals.consolidated_ids).
    buyer_org_ids: tuple[int, ...] | None = None

    @property
    def buyer_org_id(self) -> int | None:
        return self.buyer.id if self.buyer is not None else None

    @property
    def label(self) -> str:
        if self.buyer is not None and self.buyer_org_ids is not None:
            members = plural(len(self.buyer_org_ids) - 1, "membre")
            return f"{self.buyer.name} et ses {members} (centrale d'achat, consolidé)"
        return self.buyer.name if self.buyer is not None else \
            "Toutes les organisations acheteuses"

    def query(self, **extra: object) -> dict[str, object]:
        """The GET parameters that keep this scope in a link (French names, as in the form)."""
        params: dict[str, object] = {"annee": self.year}
        if not self.period.is_year:
            params["periode"] = self.period.slug
        if self.buyer is not None:
            params["acheteur"] = self.buyer.id
        if self.buyer_org_ids is not None:
            params["perimetre"] = CONSOLIDATED
        params.update(extra)
        return params


def default_year() -> int:
    return today().year


def valid_year(year: int | None) -> int:
    if year is None:
        return default_year()
    if not FIRST_YEAR <= year <= today().year + 1:
        raise NotFound("Aucun indicateur n'est calculé pour cette année.")
    return year


def chosen_buyer(db: Session, user: User, buyer_id: int | None, *,
                 refusals: tuple[str, str]) -> Organisation | None:
    """The buyer organisation a page of the buyer side is about: a buyer's own (another's is
    refused with ``refusals[0]``), the one an administrator chose, or None when it chose none;
    suppliers are refused with ``refusals[1]``."""
    if user.is_buyer:
        if buyer_id is not None and buyer_id != user.organisation_id:
            raise Forbidden(refusals[0])
        return user.organisation
    if not user.is_admin:
        raise Forbidden(refusals[1])
    if buyer_id is None:
        return None
    buyer = db.get(Organisation, buyer_id)
    if buyer is None or buyer.kind != OrgKind.buyer:
        raise NotFound("Cette organisation acheteuse n'existe pas.")
    return buyer


def chosen_period(year: int | None, written: str | None = None) -> ReportingPeriod:
    """The period of the pages' GET parameters: ``annee`` (the year select) and ``periode``
    (« 2025-S1 », the part select, whose options carry the year shown). When the year was
    changed and the part kept, the year select wins; an unknown period answers 404."""
    if not written or not written.strip():
        return ReportingPeriod.of_year(valid_year(year))
    try:
        part = parse_period(written)
    except BadPeriod as error:
        raise NotFound(str(error)) from error
    return ReportingPeriod(valid_year(year if year is not None else part.year), part.kind,
                           part.number)


def periods(current: ReportingPeriod) -> list[tuple[str, str]]:
    """The part select's options for the year shown: (value, label)."""
    y = current.year
    return [(str(y), "Année entière"), (f"{y}-S1", "1er semestre"), (f"{y}-S2", "2e semestre"),
            *((f"{y}-T{n}", f"{'1er' if n == 1 else f'{n}e'} trimestre") for n in range(1, 5))]


def facilitated(db: Session, user: User, *, year: int | None, buyer_id: int | None,
                period: str | None = None) -> Scope:
    """A facilitator's scope: the contracts its organisation works on, of one buyer
    organisation it is attached to (another is refused) or of all of them."""
    if not user.is_facilitator:
        raise Forbidden("Cette page est réservée aux facilitateurs de la clause sociale.")
    buyer = None
    if buyer_id is not None:
        attached = select(FacilitatorAssignment.id).where(
            FacilitatorAssignment.facilitator_org_id == user.organisation_id,
            FacilitatorAssignment.buyer_org_id == buyer_id)
        buyer = db.get(Organisation, buyer_id) if db.scalar(attached.limit(1)) else None
        if buyer is None:
            raise NotFound("Votre organisation ne travaille pas pour cet acheteur.")
    return Scope(chosen_period(year, period), buyer, facilitator_org_id=user.organisation_id)


INDICATOR_REFUSALS = ("Vous ne pouvez consulter que les indicateurs de votre organisation.",
                      "Les indicateurs sont réservés aux acheteurs et aux administrateurs.")


CONSOLIDATED = "centrale"  # ?perimetre=centrale: a central and its members


def resolve(db: Session, user: User, *, year: int | None, buyer_id: int | None,
            period: str | None = None, perimeter: str | None = None) -> Scope:
    """The scope of the buyer side's indicator pages; ``period`` is the ``periode`` parameter
    (a year alone when absent). ``perimeter`` « centrale »: the consolidation of a central's
    contracts and its members' (the central's own agents, or an administrator who chose the
    central); no other buyer, a member included, ever gets it."""
    if user.is_supplier:
        raise Forbidden(INDICATOR_REFUSALS[1])
    chosen = chosen_period(year, period)
    buyer = chosen_buyer(db, user, buyer_id, refusals=INDICATOR_REFUSALS)
    if perimeter in (None, "", "organisation"):
        return Scope(chosen, buyer)
    if perimeter != CONSOLIDATED:
        raise NotFound("Périmètre inconnu.")
    if buyer is None:
        raise NotFound("Choisissez la centrale d'achat dont vous voulez la consolidation.")
    if not is_central(db, buyer.id):
        raise Forbidden("Seule une centrale d'achat voit les indicateurs consolidés de ses "
                        "membres.")
    return Scope(chosen, buyer, buyer_org_ids=consolidated_ids(db, buyer.id))


def buyer_organisations(db: Session) -> list[Organisation]:
    return list(db.scalars(select(Organisation).where(Organisation.kind == OrgKind.buyer)
                           .order_by(Organisation.name)))


def years(selected: int) -> list[int]:
    current = today().year
    return sorted({*range(current - 6, current + 1), selected}, reverse=True)


def trend_years(year: int) -> list[int]:
    return list(range(year - TREND_YEARS + 1, year + 1))


def buyer_by_siret(db: Session, siret: str) -> Organisation:
    organisation = find_organisation_by_siret(db, siret)
    if organisation is None or organisation.kind != OrgKind.buyer:
        raise NotFound(f"Aucun acheteur n'a le SIRET « {siret} ».")
    return organisation
