"""Alembic environment: the metadata of every package, on the portal's engine."""

from alembic import context

import execution.agec.models  # noqa: F401  (registers the buyers' AGEC totals)
import execution.decp.models  # noqa: F401  (registers the DECP import tables)
import execution.indicators.buyer_config  # noqa: F401  (registers the indicator settings tables)
import execution.mediation.models  # noqa: F401  (registers the mediation requests)
import execution.payments.models  # noqa: F401  (registers the invoices and ECB rates)
import execution.publication.models  # noqa: F401  (registers the published snapshots)
import execution.reports.models  # noqa: F401  (registers the report tables)
import supplier.models  # noqa: F401  (registers the declaration tables)
import surveys.candidates.models  # noqa: F401  (registers the candidate survey tables)
import surveys.models  # noqa: F401  (registers the survey tables)
from portal import (  # noqa: F401  (registers the kernel's tables)
    access,
    accounts,
    agec,
    centrals,
    documents,
    facilitators,
    locks,
    mail,
    models,
    notifications,
    throttle,
)
from portal.db import Base, make_engine
from portal.settings import get_settings

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or get_settings().database_url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
