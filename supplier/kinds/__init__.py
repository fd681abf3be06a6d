"""The declaration kinds; importing this package registers every one of them."""

from supplier.kinds import (
    agec,  # noqa: F401
    carbon,  # noqa: F401
    concession,  # noqa: F401
    csr,  # noqa: F401
    insertion,  # noqa: F401
    plan,  # noqa: F401
)
from supplier.kinds.base import HANDLERS, KindHandler, handler_for

__all__ = ["HANDLERS", "KindHandler", "handler_for"]
