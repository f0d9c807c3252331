"""Article metadata partners expect: category, subjects, keywords, dateline, copyright, usage.

Categories and subjects are validated against the instance's configured vocabulary (``configure``
is called once by the app factory from its config; the defaults below serve tests and tools).
Copyright holder, notice and usage terms have instance defaults an article may override.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from workflow.errors import InvalidInput

DEFAULT_CATEGORIES = ("politics", "economy", "society", "world", "regions", "sport", "culture",
                      "science", "health", "incidents")
MEDIATOPIC_URI = "http://cv.iptc.org/newscodes/mediatopic/"
# The IPTC Media Topics top level: code → English name (the subject vocabulary by default).
DEFAULT_SUBJECTS = {
    "medtop:01000000": "arts, culture, entertainment and media",
    "medtop:02000000": "crime, law and justice",
    "medtop:03000000": "disaster, accident and emergency incident",
    "medtop:04000000": "economy, business and finance",
    "medtop:05000000": "education",
    "medtop:06000000": "environment",
    "medtop:07000000": "health",
    "medtop:08000000": "human interest",
    "medtop:09000000": "labour",
    "medtop:10000000": "lifestyle and leisure",
    "medtop:11000000": "politics",
    "medtop:12000000": "religion",
    "medtop:13000000": "science and technology",
    "medtop:14000000": "society",
    "medtop:15000000": "sport",
    "medtop:16000000": "conflict, war and peace",
    "medtop:17000000": "weather",
}
METADATA_FIELDS = ("category", "subjects", "keywords", "dateline", "copyright_holder",
                   "copyright_notice", "usage_terms")
MAX_KEYWORDS = 20
MAX_SUBJECTS = 10
MAX_TERM_CHARS = 100
MAX_DATELINE_CHARS = 200
MAX_RIGHTS_CHARS = 1000


@dataclass(frozen=True)
class Vocabulary:
    """What this instance accepts and the rights statements it publishes by default."""

    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    subjects: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_SUBJECTS))
    copyright_holder: str | None = None
    copyright_notice: str | None = None
    usage_terms: str | None = None


_vocabulary = Vocabulary()


def configure(*, categories: Iterable[str] | None = None, subjects: Mapping[str, str] | None = None,
              copyright_holder: str | None = None, copyright_notice: str | None = None,
              usage_terms: str | None = None) -> Vocabulary:
    """Set the instance vocabulary and rights defaults (the app factory calls this once)."""
    global _vocabulary
    cleaned = tuple(dict.fromkeys(c.strip().lower() for c in categories or () if c.strip()))
    _vocabulary = Vocabulary(
        categories=cleaned or DEFAULT_CATEGORIES,
        subjects=dict(subjects) if subjects else dict(DEFAULT_SUBJECTS),
        copyright_holder=(copyright_holder or "").strip() or None,
        copyright_notice=(copyright_notice or "").strip() or None,
        usage_terms=(usage_terms or "").strip() or None)
    return _vocabulary


def vocabulary() -> Vocabulary:
    """The configured vocabulary."""
    return _vocabulary


def parse_subject_list(text: str | None) -> dict[str, str]:
    """``code=name`` pairs separated by ``;`` (the AUDARMA_SUBJECTS setting) as a dict."""
    out: dict[str, str] = {}
    for part in (text or "").split(";"):
        code, _, name = part.partition("=")
        if code.strip():
            out[code.strip()] = (name or code).strip()
    return out


@dataclass(frozen=True)
class ArticleMetadata:
    """Validated metadata for one article; None fields are left as they are on an update."""

    category: str | None = None
    subjects: tuple[str, ...] | None = None
    keywords: tuple[str, ...] | None = None
    dateline: str | None = None
    copyright_holder: str | None = None
    copyright_notice: str | None = None
    usage_terms: str | None = None

    def apply(self, article: object) -> bool:
        """Write the given fields onto an Article; True if anything changed."""
        changed = False
        for name in ("category", "dateline", "copyright_holder", "copyright_notice",
                     "usage_terms"):
            value = getattr(self, name)
            if value is not None and getattr(article, name) != value:
                setattr(article, name, value)
                changed = True
        for name in ("subjects", "keywords"):
            value = getattr(self, name)
            if value is not None and list(getattr(article, name) or []) != list(value):
                setattr(article, name, list(value))
                changed = True
        return changed


def _text(value: object, name: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text.", code="invalid_field", field=name,
                           reason="text")
    value = " ".join(value.split())
    if len(value) > limit:
        raise InvalidInput(f"{name} is longer than {limit} characters.", code="invalid_field",
                           field=name, reason="too_long", limit=limit)
    return value or None


def _terms(value: object, name: str) -> list[str] | None:
    """A list of strings, or one comma-separated string (forms and the CLI)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{name} must be a list of strings.", code="invalid_field", field=name,
                           reason="list")
    return list(dict.fromkeys(" ".join(v.split()) for v in value if v.strip()))


def clean_category(value: object) -> str | None:
    """A category from the configured list (case-insensitive), or InvalidInput naming them."""
    text = _text(value, "category", MAX_TERM_CHARS)
    if text is None:
        return None
    allowed = vocabulary().categories
    if text.lower() not in allowed:
        raise InvalidInput(f"Unknown category {text!r}; use one of: {', '.join(allowed)}.",
                           code="unknown_category", field="category", value=text)
    return text.lower()


def clean_subjects(value: object) -> list[str] | None:
    """Subject codes from the configured list; a subject's name is accepted for its code."""
    terms = _terms(value, "subjects")
    if terms is None:
        return None
    known = vocabulary().subjects
    by_name = {name.lower(): code for code, name in known.items()}
    out = []
    for term in terms:
        code = term if term in known else by_name.get(term.lower())
        if code is None:
            raise InvalidInput(f"Unknown subject {term!r}; subjects come from the configured "
                               "list (e.g. medtop:11000000 or its name, politics).",
                               code="unknown_subject", field="subjects", value=term)
        out.append(code)
    out = list(dict.fromkeys(out))
    if len(out) > MAX_SUBJECTS:
        raise InvalidInput(f"At most {MAX_SUBJECTS} subjects.", code="invalid_field",
                           field="subjects", reason="count", limit=MAX_SUBJECTS)
    return out


def clean_keywords(value: object) -> list[str] | None:
    """Free keywords: at most 20, each at most 100 characters."""
    terms = _terms(value, "keywords")
    if terms is None:
        return None
    if len(terms) > MAX_KEYWORDS or any(len(t) > MAX_TERM_CHARS for t in terms):
        raise InvalidInput(f"At most {MAX_KEYWORDS} keywords of {MAX_TERM_CHARS} characters.",
                           code="invalid_field", field="keywords", reason="count",
                           limit=MAX_KEYWORDS, chars=MAX_TERM_CHARS)
    return terms


def clean_metadata(*, category: object = None, subjects: object = None, keywords: object = None,
                   dateline: object = None, copyright_holder: object = None,
                   copyright_notice: object = None, usage_terms: object = None) -> ArticleMetadata:
    """Validate every field a way in may send; unknown vocabulary is refused, never dropped."""
    subject_codes = clean_subjects(subjects)
    keyword_list = clean_keywords(keywords)
    return ArticleMetadata(
        category=clean_category(category),
        subjects=tuple(subject_codes) if subject_codes is not None else None,
        keywords=tuple(keyword_list) if keyword_list is not None else None,
        dateline=_text(dateline, "dateline", MAX_DATELINE_CHARS),
        copyright_holder=_text(copyright_holder, "copyright_holder", MAX_RIGHTS_CHARS),
        copyright_notice=_text(copyright_notice, "copyright_notice", MAX_RIGHTS_CHARS),
        usage_terms=_text(usage_terms, "usage_terms", MAX_RIGHTS_CHARS))


def from_feed_categories(terms: Iterable[str]) -> ArticleMetadata:
    """A feed entry's ``<category>`` terms: the first configured category found becomes the
    category, configured subjects (by code or name) become subjects, the rest keywords."""
    allowed = vocabulary().categories
    known = vocabulary().subjects
    by_name = {name.lower(): code for code, name in known.items()}
    category = None
    subjects: list[str] = []
    keywords: list[str] = []
    for raw in terms:
        term = " ".join(str(raw).split())[:MAX_TERM_CHARS]
        if not term:
            continue
        if category is None and term.lower() in allowed:
            category = term.lower()
        code = term if term in known else by_name.get(term.lower())
        if code is not None:
            subjects.append(code)
        elif term.lower() not in allowed:
            keywords.append(term)
    return ArticleMetadata(
        category=category,
        subjects=tuple(dict.fromkeys(subjects))[:MAX_SUBJECTS] or None,
        keywords=tuple(dict.fromkeys(keywords))[:MAX_KEYWORDS] or None)


@dataclass(frozen=True)
class Rights:
    """The copyright and usage statements one article is published with."""

    holder: str | None
    notice: str | None
    usage_terms: str | None


def rights_for(article: object) -> Rights:
    """The article's own rights statements, else the instance defaults."""
    v = vocabulary()
    return Rights(holder=getattr(article, "copyright_holder", None) or v.copyright_holder,
                  notice=getattr(article, "copyright_notice", None) or v.copyright_notice,
                  usage_terms=getattr(article, "usage_terms", None) or v.usage_terms)


def snapshot(article: object) -> dict:
    """The metadata a published version carries, frozen at publication (JSON-serialisable)."""
    rights = rights_for(article)
    return {
        "category": getattr(article, "category", None),
        "subjects": [{"code": code, "name": subject_name(code)}
                     for code in getattr(article, "subjects", None) or []],
        "keywords": list(getattr(article, "keywords", None) or []),
        "dateline": getattr(article, "dateline", None),
        "copyright_holder": rights.holder,
        "copyright_notice": rights.notice,
        "usage_terms": rights.usage_terms,
        "photo_credit": getattr(article, "photo_credit", None),
    }


def subject_uri(code: str) -> str | None:
    """The IPTC Media Topics URI of a ``medtop:`` code (None for codes of another scheme)."""
    scheme, _, number = code.partition(":")
    return MEDIATOPIC_URI + number if scheme == "medtop" and number.isdigit() else None


def subject_name(code: str) -> str:
    """The configured name of a subject code (the code itself if it left the list since)."""
    return vocabulary().subjects.get(code, code)


__all__ = ["ArticleMetadata", "Rights", "Vocabulary", "clean_metadata", "configure",
           "from_feed_categories", "rights_for", "snapshot", "subject_name", "subject_uri",
           "vocabulary"]
