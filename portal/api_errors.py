"""The one shape of every API error, as OpenAPI documents it: `{"detail": "…", "errors":
{"field": "message"}}` (portal.app renders every error this way on /api/)."""

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    """An error of the API: a French sentence, and for refused data one message per field."""

    detail: str = Field(description="Ce qui n'a pas fonctionné, en une phrase.")
    errors: dict[str, str] = Field(
        default_factory=dict,
        description="Pour des données refusées : un message par champ, la clé étant son chemin "
                    "(`lines.0.hours`, `path.contract_id`, `body` pour l'ensemble).")


RETRY_AFTER = {"Retry-After": {"description": "Secondes à attendre avant de réessayer.",
                               "schema": {"type": "integer"}}}


def error_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these status codes, each with the ErrorOut body."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status, description in descriptions.items():
        responses[status] = {"model": ErrorOut, "description": description}
        if status == 429:
            responses[status]["headers"] = RETRY_AFTER
    return responses


# Every API operation may answer these: no or a bad token, a refused address, query or body
# (a NUL byte anywhere is refused before any route runs).
COMMON = error_responses({401: "Jeton d'accès manquant, invalide ou expiré",
                          422: "Données invalides : le message de chaque champ est dans `errors`"})
