"""Domain errors: services raise them, one handler renders them (page, htmx message or JSON)."""


class PortalError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class Invalid(PortalError):
    status_code = 422


class LoginRequired(PortalError):
    status_code = 401

    def __init__(self, message: str = "Veuillez vous connecter pour accéder à cette page."):
        super().__init__(message)


class Forbidden(PortalError):
    status_code = 403

    def __init__(self, message: str = "Vous n'avez pas les droits nécessaires pour cette action."):
        super().__init__(message)


class NotFound(PortalError):
    status_code = 404

    def __init__(self, message: str = "Cette page n'existe pas ou vous n'y avez pas accès."):
        super().__init__(message)


class Conflict(PortalError):
    status_code = 409


class TooLarge(PortalError):
    status_code = 413
