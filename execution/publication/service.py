"""Publishing a buyer organisation's indicators of a period, and reading what was published.

``publish`` freezes the chosen indicators, as ``compute_indicators`` gives them at that moment,
and the annual report PDF into a new version; nothing recomputes them afterwards. The readers
(``published``, ``versions``, ``index``) answer NotFound for anything not published, whoever asks:
these are the public pages' data, and the public may ask anything.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from execution.indicators.config import BY_ID, DEFINITIONS, may_edit
from execution.indicators.service import Indicator, compute_indicators
from execution.publication.models import Publication, PublishedIndicator
from execution.reports.annual import annual_report_pdf
from portal.audit import audit
from portal.clock import today
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.identity import find_organisation_by_siret
from portal.models import Organisation, OrgKind, User
from portal.pagination import Page, contains_text, paginate, search_words
from portal.reporting_period import BadPeriod, ReportingPeriod, parse_period

NOTHING_CHOSEN = "Choisissez au moins un indicateur à publier."
NOT_STARTED = "Cette période n'a pas encore commencé : il n'y a rien à publier."
RACE = ("Une autre publication de cette période vient d'être enregistrée ; rechargez la page "
        "pour voir ses versions, puis publiez à nouveau si besoin.")
NO_SIRET = ("Votre organisation n'a pas de SIRET enregistré : ses indicateurs publiés n'auraient "
            "pas d'adresse publique. Demandez à un administrateur de le renseigner.")
NOT_PUBLISHED = "Aucune publication ne correspond à cette adresse."
MANAGERS_ONLY = ("Seuls les gestionnaires de l'organisation acheteuse (ou un administrateur) "
                 "publient ses indicateurs.")


def may_publish(user: User, buyer: Organisation) -> bool:
    """Who sets a buyer's settings and targets publishes its figures (execution.indicators)."""
    return may_edit(user, buyer.id)


def choose_period(text: str) -> ReportingPeriod:
    """The period typed in the form, refused with a French message by field."""
    try:
        period = parse_period(text)
    except BadPeriod as bad:
        raise Invalid(str(bad), field_errors={"period": str(bad)}) from None
    if period.first_day > today():
        raise Invalid(NOT_STARTED, field_errors={"period": NOT_STARTED})
    return period


def _indicators_of(db: Session, buyer: Organisation, period: ReportingPeriod) -> list[Indicator]:
    """The one call of compute_indicators for a publication (a year, a semester or a quarter)."""
    return compute_indicators(db, period=period, buyer_org_id=buyer.id)


def preview(db: Session, buyer: Organisation, period: ReportingPeriod) -> list[Indicator]:
    """What publishing now would freeze: every indicator, the page ticks the chosen ones."""
    return _indicators_of(db, buyer, period)


def _chosen(indicator_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(i for i in indicator_ids if i))
    if not ids:
        raise Invalid(NOTHING_CHOSEN, field_errors={"indicators": NOTHING_CHOSEN})
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        message = f"Indicateur inconnu : « {unknown[0][:60]} »."
        raise Invalid(message, field_errors={"indicators": message})
    return ids


def publish(db: Session, actor: User, buyer: Organisation, period: ReportingPeriod,
            indicator_ids: Iterable[str]) -> Publication:
    """A new version of ``buyer``'s publication of ``period``, holding the chosen indicators as
    computed now and the annual report as printed now. Audited."""
    if buyer.kind != OrgKind.buyer:
        raise NotFound("Cette organisation acheteuse n'existe pas.")
    if not may_publish(actor, buyer):
        raise Forbidden(MANAGERS_ONLY)
    if not buyer.siret:
        # The public address is /publication/{siret}/{period}: without one, nobody could read it.
        raise Invalid(NO_SIRET)
    ids = set(_chosen(indicator_ids))
    indicators = [i for i in _indicators_of(db, buyer, period) if i.id in ids]
    last = db.scalar(select(func.max(Publication.version)).where(
        Publication.buyer_org_id == buyer.id, Publication.period == period.slug))
    publication = Publication(
        buyer_org_id=buyer.id, period=period.slug, version=(last or 0) + 1,
        buyer_name=buyer.name,
        published_by_id=actor.id,
        # The annual report is a year's: a semester or a quarter is published without one.
        report_pdf=(annual_report_pdf(db, year=period.year, organisation=buyer)
                    if period.is_year else None),
        indicators=[PublishedIndicator(
            position=n, indicator_id=i.id, label=i.label, unit=i.unit, value=i.value,
            numerator=i.numerator, denominator=i.denominator, sentence=i.sentence)
            for n, i in enumerate(indicators)])
    db.add(publication)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError:
        # Someone else published the same period at the same moment: same version number.
        raise Conflict(RACE) from None
    audit(db, actor, "publication", publication.id, "publish",
          to_status=f"{period.slug} v{publication.version}")
    return publication


# --- Reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Published:
    """A period an organisation published, as the index lists it."""

    name: str
    siret: str
    period: ReportingPeriod
    versions: int
    last_published_at: datetime

    @property
    def url(self) -> str:
        return f"/publication/{self.siret}/{self.period.slug}"


# The newest year first; within a year « 2025 », then « 2025-S1 », « 2025-S2 », then « 2025-T1 »…
NEWEST_YEAR_FIRST = (func.substr(Publication.period, 1, 4).desc(), func.length(Publication.period),
                     Publication.period)


def index(db: Session, *, search: str = "", page: int = 1) -> Page:
    """One page of the organisations and periods published (``search``: a piece of the name or
    of the SIRET), in two statements whatever their number; items are ``Published``."""
    query = (select(Organisation.name, Organisation.siret, Publication.period,
                    func.max(Publication.version), func.max(Publication.published_at))
             .join(Organisation, Organisation.id == Publication.buyer_org_id)
             .where(Organisation.siret.is_not(None))
             .group_by(Organisation.id, Organisation.name, Organisation.siret, Publication.period)
             .order_by(func.lower(Organisation.name), Organisation.siret, *NEWEST_YEAR_FIRST))
    if words := search_words(search):
        query = query.where(or_(contains_text(words, Organisation.name),
                                Organisation.siret.contains(words.replace(" ", ""),
                                                            autoescape=True)))
    found = paginate(db, query, page=page, scalars=False)
    return replace(found, items=[Published(name, siret, parse_period(period), versions, at)
                                 for name, siret, period, versions, at in found.items])


def publications_of(db: Session, buyer: Organisation) -> list[Publication]:
    """The buyer page's list: every version, the newest first (without the PDFs)."""
    return list(db.scalars(select(Publication).where(Publication.buyer_org_id == buyer.id)
                           .order_by(*NEWEST_YEAR_FIRST, Publication.version.desc())))


def published_buyer(db: Session, siret: str) -> Organisation:
    buyer = find_organisation_by_siret(db, siret[:40])
    if buyer is None or buyer.kind != OrgKind.buyer:
        raise NotFound(NOT_PUBLISHED)
    return buyer


def published(db: Session, siret: str, period_text: str,
              version: int | None = None) -> Publication:
    """The latest version (or ``version``) of what an organisation published for a period;
    NotFound for an unknown SIRET, an odd period, an unpublished period or version."""
    buyer = published_buyer(db, siret)
    try:
        period = parse_period(period_text[:20])
    except BadPeriod:
        raise NotFound(NOT_PUBLISHED) from None
    query = select(Publication).where(Publication.buyer_org_id == buyer.id,
                                      Publication.period == period.slug)
    if version is not None:
        query = query.where(Publication.version == version)
    found = db.scalar(query.order_by(Publication.version.desc()).limit(1))
    if found is None:
        raise NotFound(NOT_PUBLISHED)
    return found


def versions(db: Session, publication: Publication) -> list[tuple[int, datetime]]:
    """(version, published_at) of every version of the same organisation and period."""
    rows = db.execute(select(Publication.version, Publication.published_at).where(
        Publication.buyer_org_id == publication.buyer_org_id,
        Publication.period == publication.period).order_by(Publication.version))
    return [(number, at) for number, at in rows]


def has_report(db: Session, publication: Publication) -> bool:
    """Without loading the PDF."""
    return db.scalar(select(Publication.id).where(
        Publication.id == publication.id, Publication.report_pdf.is_not(None))) is not None


def report_pdf(db: Session, publication: Publication) -> bytes:
    content = db.scalar(select(Publication.report_pdf).where(Publication.id == publication.id))
    if not content:
        raise NotFound("Le rapport de cette publication n'est pas disponible.")
    return content


def default_choice() -> list[str]:
    """Every indicator is ticked by default."""
    return [d.id for d in DEFINITIONS]
