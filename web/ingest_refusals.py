"""Why the desk refused an input (a paste, an upload, a source edit), in the reader's language.

Ingest refusals carry a stable ``code``, a ``reason`` where one code has several causes (an empty
paste, an empty Word file), and the figures their message names; the message for people is made
here through the catalogue, never taken from the service's English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import format_decimal
from flask_babel import gettext as _

from web.boundary import message_for
from workflow.errors import DomainError


def size_text(size: int) -> str:
    """A byte count as "5 MB" or "800 KB" in the reader's number format."""
    if size >= 1024 * 1024:
        return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(n)s KB", n=format_decimal(round(size / 1024, 1)))


def _field(name: object) -> str:
    """A metadata field's name as the form labels it."""
    labels = {"category": lambda: _("Category"), "subjects": lambda: _("Subjects"),
              "keywords": lambda: _("Keywords"), "dateline": lambda: _("Dateline"),
              "copyright_holder": lambda: _("Copyright holder"),
              "copyright_notice": lambda: _("Copyright notice"),
              "usage_terms": lambda: _("Usage terms")}
    make = labels.get(str(name))
    return make() if make else str(name)


def _messages(d: Mapping[str, object]) -> dict[str, Callable[[], str]]:
    """``code`` or ``code:reason`` → the message, filled from the refusal's detail ``d``."""
    from web.dashboard import label_for

    def number(key: str) -> str:
        value = d.get(key)
        return format_decimal(value) if isinstance(value, (int, float)) else "?"

    def size() -> str:
        value = d.get("limit")
        return size_text(value) if isinstance(value, int) else "?"

    name = str(d.get("filename") or "")
    return {
        # the text itself
        "empty": lambda: _("The article text is empty."),
        "empty:html": lambda: _("The HTML is empty."),
        "empty:html_file": lambda: _("The HTML file is empty."),
        "empty:docx": lambda: _("The Word file is empty."),
        "empty:file": lambda: (_("%(name)s is empty.", name=name) if name
                               else _("The file is empty.")),
        "empty:whitespace": lambda: (_("%(name)s contains only whitespace.", name=name) if name
                                     else _("The file contains only whitespace.")),
        "no_text": lambda: _("No article text was found in this input."),
        "no_text:markdown": lambda: _("No article text was found in this Markdown."),
        "no_text:docx": lambda: _("This Word document has no text."),
        "invalid_body": lambda: _("The article text must be text."),
        "invalid_title": lambda: _("The headline must be text."),
        "title_too_long": lambda: _("The headline is longer than %(n)s characters.",
                                    n=number("limit")),
        "invalid_format": lambda: _("Choose a format from the list."),
        # size
        "too_large:text": lambda: _("The text is longer than %(n)s characters.",
                                    n=number("limit")),
        "too_large:blocks": lambda: _("This article has more than %(n)s blocks.",
                                      n=number("limit")),
        "too_large:file": lambda: _("The file is larger than the %(size)s limit.", size=size()),
        "too_large:docx": lambda: _("The Word file is larger than the %(size)s limit.",
                                    size=size()),
        "too_large:page": lambda: _("This web page is too large to import."),
        "too_deep": lambda: _("This HTML is nested too deeply (over 256 levels) to import "
                              "safely; nothing was stored."),
        # files
        "unsupported_format": lambda: _("%(extension)s files are not supported; use "
                                        "%(supported)s.", extension=d.get("extension", ""),
                                        supported=d.get("supported", "")),
        "unsupported_format:doc": lambda: _("This is an old .doc or a password-protected Word "
                                            "file; save it as .docx."),
        "binary": lambda: _("This file looks like binary data, not text."),
        "binary:page": lambda: _("This file looks like binary data, not a web page."),
        "malformed": lambda: _("This HTML could not be read."),
        "malformed:not_docx": lambda: _("This .docx file is damaged or is not a Word "
                                        "document."),
        "malformed:zip": lambda: _("This file is a zip but not a Word document."),
        "malformed:unsafe_xml": lambda: _("This Word document contains unsafe XML."),
        "malformed:damaged": lambda: _("This .docx file is damaged."),
        "malformed:unreadable": lambda: _("This Word document could not be read."),
        "zip_bomb": lambda: _("This .docx file unpacks to far more data than is safe."),
        "zip_bomb:parts": lambda: _("This .docx file has too many parts to be safe."),
        # language, targets, priority, source
        "unsupported_language": lambda: _("%(value)s is not a language Audarma works with: it "
                                          "translates Kazakh, Russian and English.",
                                          value=d.get("value", "")),
        "unsupported_language:detected": lambda: _(
            "This text does not look like Kazakh, Russian or English, the languages Audarma "
            "translates. If it is one of them, choose the language yourself."),
        "language_uncertain": lambda: _(
            "The language could not be detected with confidence (best guess %(language)s, "
            "%(confidence)s %%). Please choose the article's language.",
            language=label_for(str(d.get("guess", ""))),
            confidence=format_decimal(round(float(str(d.get("confidence", 0))) * 100))),
        "unknown_target": lambda: _("Choose the languages to translate into from the list."),
        "bad_priority": lambda: _("Choose a priority from the list."),
        "invalid_url": lambda: _("The source URL must be an http(s) address."),
        "invalid_external_id": lambda: _("The external id is too long."),
        "ingest_busy": lambda: _("The same article is being stored right now; try again."),
        # metadata
        "invalid_field:text": lambda: _("%(field)s must be text.", field=_field(d.get("field"))),
        "invalid_field:too_long": lambda: _("%(field)s is longer than %(n)s characters.",
                                            field=_field(d.get("field")), n=number("limit")),
        "invalid_field:list": lambda: _("%(field)s must be a list.",
                                        field=_field(d.get("field"))),
        "invalid_field:count": lambda: (
            _("At most %(n)s keywords of %(chars)s characters each.", n=number("limit"),
              chars=number("chars")) if d.get("field") == "keywords"
            else _("At most %(n)s subjects.", n=number("limit"))),
        "unknown_category": lambda: _("Unknown category %(value)s: choose one from the list.",
                                      value=d.get("value", "")),
        "unknown_subject": lambda: _("Unknown subject %(value)s: choose one from the list.",
                                     value=d.get("value", "")),
    }


def refusal_text(code: str, message: str, detail: Mapping[str, object]) -> str:
    """The refusal ``code`` (with its ``detail``) in the reader's language."""
    messages = _messages(detail)
    reason = detail.get("reason")
    make = messages.get(f"{code}:{reason}") if reason else None
    make = make or messages.get(code)
    if make:
        return make()
    error = DomainError(message, code=code)
    error.detail = dict(detail)
    return message_for(error)


def refusal(exc: DomainError) -> dict[str, str]:
    """A refused input as the desk's templates show it: ``{"code", "message"}``."""
    return {"code": exc.code, "message": refusal_text(exc.code, exc.message, exc.detail)}
