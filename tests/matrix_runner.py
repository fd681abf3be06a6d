"""The machinery of the route matrix (tests/test_route_matrix.py): rules, rows, and one call
per route, target and person, in a savepoint rolled back afterwards."""

import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.routing import iter_route_contexts
from pypdf import PdfReader
from sqlalchemy import text

from tests.matrix_targets import FAMILY_OF_PARAMETER
from tests.matrix_world import ACTOR_NAMES, CSRF, NOBODY, Actor, Target

PARAMETER = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")
DML = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
LOGIN_PAGE = "/connexion?suivant="


@dataclass(frozen=True)
class Rule:
    """Who may call a route on a target, with a French name for the failure messages."""
    name: str
    test: Callable[[Actor, Target], bool]

    def __call__(self, actor: Actor, target: Target) -> bool:
        return self.test(actor, target)

    def __or__(self, other: "Rule") -> "Rule":
        return Rule(f"{self.name} ou {other.name}", lambda a, t: self(a, t) or other(a, t))


@dataclass(frozen=True)
class Row:
    allowed: Rule
    family: str | None = None  # the targets; by default the one named after the path parameter
    form: Callable[[Any, Target], dict] | None = None
    json: Callable[[Any, Target], dict] | None = None
    query: dict[str, Any] = field(default_factory=dict)
    public_data: bool = False  # shown to anyone by design (an attestation's verification)
    changes: Rule | None = None  # who may change data (never by a GET), when narrower than who
    # is answered
    # The exact status per actor, on the targets of a side ("A", "B"; None: no target), where
    # the refusal's kind matters too: 403 for the wrong role, 404 for what is not theirs.
    exact: dict[str | None, dict[str, int]] = field(default_factory=dict)


row = Row


def codes(default: int, **overrides: int) -> dict[str, int]:
    """Exact statuses: ``default`` for every person logged in, the login page (303) for
    anonymous, unless overridden."""
    return {name: default for name in ACTOR_NAMES} | {"anonymous": 303} | overrides


def every_route(app) -> list[tuple[str, str]]:
    """(method, path template) of every route of the app, mounts and included routers too."""
    keys = []
    for context in iter_route_contexts(app.routes):
        for method in sorted(set(context.methods or {"GET"}) - {"HEAD"}):
            keys.append((method, context.path_format))
    return keys


def readable(response) -> str:
    """What a person receives, as text: a page, JSON, CSV, or the text of a PDF or workbook."""
    content_type = response.headers.get("content-type", "")
    if "pdf" in content_type:
        reader = PdfReader(io.BytesIO(response.content))
        body = " ".join(page.extract_text() or "" for page in reader.pages)
    elif "spreadsheetml" in content_type:
        with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
            body = " ".join(workbook.read(name).decode("utf-8", "replace")
                            for name in workbook.namelist() if name.endswith(".xml"))
    else:
        body = response.text
    # Without spaces: a PDF table may wrap a reference, a page may break a name.
    return re.sub(r"\s+", "", html.unescape(body))


class Matrix:
    def __init__(self, db, client, world):
        self.db, self.client, self.w = db, client, world
        self.cases = self.failures = 0
        self.compact = {marker: re.sub(r"\s+", "", marker) for marker in world.markers}
        self.written: set[str] = set()
        self.recording = False
        self.baseline: dict[str, list] = {}

    def record_writes(self, conn, cursor, statement, parameters, context, executemany):
        if self.recording and (cursor.rowcount or 0) > 0 and (match := DML.match(statement)):
            self.written.add(match.group(1))

    def targets(self, path: str, row: Row) -> list[Target]:
        names = PARAMETER.findall(path)
        family = row.family or (FAMILY_OF_PARAMETER[names[0]] if names else None)
        targets = self.w.families[family] if family else [NOBODY]
        for target in targets:
            assert set(target.path) == set(names), (path, target.label)
        return targets

    def _snapshot(self, table: str) -> list:
        return sorted(map(repr, self.db.execute(text(f'SELECT * FROM "{table}"')).all()))

    def call(self, method: str, path: str, row: Row, target: Target, actor: Actor, *,
             csrf: bool = True, htmx: bool = False):
        """(response, tables it changed): one call in a savepoint rolled back afterwards."""
        url = PARAMETER.sub(lambda m: str(target.path[m.group(1)]), path)
        kwargs: dict[str, Any] = {"params": {**row.query, **target.query},
                                  "headers": {"HX-Request": "true"} if htmx else {}}
        if path.startswith("/api/"):
            kwargs["headers"] = {**kwargs["headers"], **actor.bearer}
            if row.json is not None:
                kwargs["json"] = row.json(self.w, target)
        elif method != "GET":
            kwargs["data"] = {**({"csrf_token": CSRF} if csrf else {}),
                              **(row.form(self.w, target) if row.form else {})}
        savepoint = self.db.begin_nested()
        self.db.connection()  # emits the SAVEPOINT now, before the request's own
        self.client.cookies.clear()
        for name, value in actor.cookies.items():
            self.client.cookies.set(name, value)
        self.written.clear()
        self.recording = True
        try:
            response = self.client.request(method, url, **kwargs)
        finally:
            self.recording = False
        after = {table: self._snapshot(table) for table in self.written}
        savepoint.rollback()
        self.db.expire_all()
        changed = []
        for table, rows in after.items():
            if table not in self.baseline:
                self.baseline[table] = self._snapshot(table)
            if rows != self.baseline[table]:
                changed.append(table)
        return response, changed

    def check(self, method: str, path: str, row: Row) -> tuple[int, list[str]]:
        """(cases, what went wrong) for one route: every person on every target; for a page,
        the same as an htmx swap by the first person allowed and the first refused; for a form,
        another site riding the session of the first person allowed (no CSRF token)."""
        cases, failures = 0, []
        for target in self.targets(path, row):
            pages = False
            for actor in self.w.actors:
                cases += 1
                problems, response = self._case(method, path, row, target, actor)
                failures += problems
                # A page or a form, not a download: the people allowed get HTML or a redirect.
                pages |= row.allowed(actor, target) and (
                    "text/html" in response.headers.get("content-type", "")
                    or response.is_redirect)
            if path.startswith("/api/"):
                continue
            allowed = [a for a in self.w.actors if row.allowed(a, target)]
            refused = [a for a in self.w.actors if not row.allowed(a, target)]
            for actor in (allowed[:1] + refused[:1]) if pages else []:
                cases += 1
                failures += self._case(method, path, row, target, actor, htmx=True)[0]
            if method != "GET" and allowed:
                cases += 1
                failures += self._forged(method, path, row, target, allowed[0])
        return cases, failures

    def _case(self, method, path, row, target, actor, *, htmx: bool = False):
        """(what went wrong, the response)."""
        response, changed = self.call(method, path, row, target, actor, htmx=htmx)
        allowed = row.allowed(actor, target)
        # A GET changes nothing, whatever its row says (only forms carry the CSRF token).
        may_change = allowed and method != "GET" and (
            row.changes(actor, target) if row.changes is not None else True)
        problems = [verdict(method, response, actor, allowed)]
        exact = None if htmx else row.exact.get(target.side, {}).get(actor.name)
        if exact is not None and response.status_code != exact and not problems[0]:
            problems.append(f"réponse {response.status_code} au lieu de {exact}")
        if changed and not may_change:
            problems.append(f"a changé les tables {', '.join(sorted(changed))}")
        if not row.public_data and (leaked := [
                marker for marker in self._markers_in(response)
                if actor.name not in self.w.markers[marker]]):
            problems.append(f"reçoit des données d'autrui : {', '.join(leaked)}")
        if not any(problems):
            return [], response
        return [f"{method} {path} [{target.label}] par {actor.name}{' (htmx)' if htmx else ''} "
                f"({'autorisé' if allowed else 'refusé'} : {row.allowed.name}) : "
                + "; ".join(p for p in problems if p)], response

    def _forged(self, method, path, row, target, actor) -> list[str]:
        response, changed = self.call(method, path, row, target, actor, csrf=False)
        problems = [f"réponse {response.status_code} au lieu de 403"
                    if response.status_code != 403 else None,
                    f"a changé les tables {', '.join(sorted(changed))}" if changed else None]
        if not any(problems):
            return []
        return [f"{method} {path} [{target.label}] par un autre site avec la session de "
                f"{actor.name} (sans jeton CSRF) : " + "; ".join(p for p in problems if p)]

    def _markers_in(self, response) -> list[str]:
        if not response.content:
            return []
        body = readable(response)
        return [marker for marker, compact in self.compact.items() if compact in body]


def verdict(method: str, response, actor: Actor, allowed: bool) -> str | None:
    """What is wrong with this answer, or None."""
    status = response.status_code
    # A redirect, or its htmx form: 204 with HX-Redirect.
    location = response.headers.get("location") or response.headers.get("hx-redirect") or ""
    to_login = status in (204, 302, 303, 307) and location.startswith(LOGIN_PAGE)
    if allowed:
        if 200 <= status < 400 and not to_login:
            return None
        if method != "GET" and status in (409, 422):
            return None
        return f"réponse {status}{' (page de connexion)' if to_login else ''} au lieu d'un accès"
    if status in (401, 403, 404) or (to_login and actor.role == "anonymous"):
        return None
    return f"réponse {status} au lieu d'un refus (401, 403, 404)"
