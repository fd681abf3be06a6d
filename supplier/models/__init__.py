"""Declaration models: the generic declaration and the relational content of each kind."""

from supplier.models.attachment import Attachment
from supplier.models.declaration import OPEN_STATUSES, Declaration, Status, Subject
from supplier.models.insertion import InsertionLine

__all__ = ["OPEN_STATUSES", "Attachment", "Declaration", "InsertionLine", "Status", "Subject"]
