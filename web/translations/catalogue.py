"""Extract interface strings (babel.cfg) and merge them into the kk/ru/en catalogues.

Run ``.venv/bin/python -m web.translations.catalogue`` after adding strings, then translate the
empty ``msgstr`` entries; tests/review/test_catalogues.py fails while any is left.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from workflow.vocabulary import INTERFACE_LOCALES

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LOCALES = INTERFACE_LOCALES
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "N_": None}


def extract() -> Catalog:
    """Every translatable string in web/ Python files and templates, per babel.cfg."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog(project="Audarma")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    """Where a locale's catalogue lives."""
    return HERE / locale / "LC_MESSAGES" / "messages.po"


def read(locale: str) -> Catalog:
    """A locale's catalogue as stored."""
    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def update() -> None:
    """Merge newly extracted strings into every catalogue, keeping existing translations."""
    template = extract()
    for locale in LOCALES:
        path = po_path(locale)
        if path.exists():
            catalog = read(locale)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=locale, project="Audarma")
            catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, ignore_obsolete=True,
                     include_lineno=False)


if __name__ == "__main__":
    update()
