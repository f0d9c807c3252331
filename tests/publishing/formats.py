"""Strict JSON Schema validators for the vendored ninjs 3.1 schema and our JSON Feed 1.1 schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

checker = FormatChecker()


@checker.checks("date-time")
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


@checker.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or (bool(urlsplit(value).scheme) and " " not in value)


def validator(path: Path) -> Draft202012Validator:
    """A 2020-12 validator for the schema at ``path`` that also enforces date-time and uri."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=checker)


NINJS = validator(ROOT / "web" / "schemas" / "ninjs-3.1.json")
JSON_FEED = validator(Path(__file__).with_name("jsonfeed-1.1.schema.json"))


def errors(v: Draft202012Validator, document: object) -> list[str]:
    """Every validation error as ``path: message``."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(document)]
