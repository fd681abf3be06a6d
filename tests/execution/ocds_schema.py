"""The official OCDS 1.1.5 release package schema, its release schema patched by the extensions a
package declares (JSON Merge Patch, RFC 7386, as OCDS extensions are applied), read from the
shared reference folder."""

import json
from datetime import datetime
from functools import cache
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.reference_data import OCDS, reference

SCHEMA_DIR = OCDS / "standard-1.1.5/schema"
RELEASE_SCHEMA_ID = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def merge_patch(target, patch):
    """RFC 7386: objects merge key by key, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def extension_folder(url: str):
    """The reference copy of an extension named by its extension.json URL
    (…/open-contracting-extensions/<name>/<branch>/extension.json)."""
    name = urlsplit(url).path.split("/")[2]
    return reference(OCDS / "extensions" / name)


def _json(path):
    return json.loads(reference(path).read_text(encoding="utf-8"))


@cache
def _validator(extensions: tuple[str, ...]) -> Draft4Validator:
    release = _json(SCHEMA_DIR / "release-schema.json")
    for url in extensions:
        release = merge_patch(release, _json(extension_folder(url) / "release-schema.json"))
    package = _json(SCHEMA_DIR / "release-package-schema.json")
    registry = Registry().with_resource(
        RELEASE_SCHEMA_ID, Resource.from_contents(release, default_specification=DRAFT4))
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_date_time)
    checker.checks("uri", raises=ValueError)(_uri)
    return Draft4Validator(package, registry=registry, format_checker=checker)


def _date_time(value) -> bool:
    """RFC 3339: a date, a time and an offset (the ``format`` jsonschema cannot check without
    an extra package)."""
    if not isinstance(value, str):
        return True
    if "T" not in value or not (value.endswith("Z") or value[-6] in "+-"):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


def errors(package: dict) -> list[str]:
    """Every schema error of ``package``, with where it is: empty when valid."""
    validator = _validator(tuple(package.get("extensions") or ()))
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(package)]
