"""Demo data of the publication: the métropole publishes every indicator of 2025, once, after the
rest of the story is loaded (its snapshot holds the story's figures). Loading it twice changes
nothing: a publication already there is kept, never a second version."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.publication import service as publications
from execution.publication.models import Publication
from portal.models import Organisation, User
from portal.reporting_period import parse_period
from portal.template_globals import install_template_globals

PUBLISHER = "claire.martin@loire-estuaire.example.fr"  # a manager of the métropole
PERIOD = "2025"


def load(db: Session, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    metropole = organisations["metropole"]
    done = db.scalar(select(Publication.id).where(Publication.buyer_org_id == metropole.id,
                                                  Publication.period == PERIOD).limit(1))
    if done is not None:
        return
    # The report PDF's templates read the indicator formatters; `portal demo` loads the data
    # without the web app that installs them.
    install_template_globals()
    publications.publish(db, users[PUBLISHER], metropole, parse_period(PERIOD),
                         publications.default_choice())
