"""Declaration models: the generic declaration and the relational content of each kind."""

from supplier.models.agec import AgecLine as AgecLine  # re-exported
from supplier.models.attachment import Attachment
from supplier.models.carbon import CarbonReport as CarbonReport  # re-exported
from supplier.models.concession import ConcessionReport as ConcessionReport  # re-exported
from supplier.models.csr import CsrFiling as CsrFiling  # re-exported
from supplier.models.csr import CsrReport as CsrReport  # re-exported
from supplier.models.declaration import (
    FILED_STATUSES,
    OPEN_STATUSES,
    SHOWN_TO_BUYER,
    Declaration,
    FacilitatorOpinion,
    Status,
    Subject,
    declaration_owners,
    filing_organisations,
)
from supplier.models.insertion import ExitOutcome, InsertionExit, InsertionLine
from supplier.models.plan import PlanAction as PlanAction  # re-exported
from supplier.models.plan import PlanUpdate as PlanUpdate  # re-exported

__all__ = ["FILED_STATUSES", "OPEN_STATUSES", "SHOWN_TO_BUYER", "Attachment", "Declaration",
           "ExitOutcome", "FacilitatorOpinion", "InsertionExit", "InsertionLine", "Status",
           "Subject", "declaration_owners", "filing_organisations"]
