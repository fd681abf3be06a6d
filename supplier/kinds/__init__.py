"""The declaration kinds; importing this package registers every one of them."""

from supplier.kinds import insertion  # noqa: F401
from supplier.kinds.base import HANDLERS, KindHandler, handler_for

__all__ = ["HANDLERS", "KindHandler", "handler_for"]
