"""Public permalinks: one stable address per published edition, readable without a key.

``/<language>/<yyyy>/<mm>/<slug>-<article id>``: the year and month of the first publication and
a slug of the current headline. The language and article id find the item; an address with an old
slug or date (a corrected headline) is redirected to the current one, so every link ever handed
out keeps working. A killed edition answers 410 with its withdrawal notice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workflow.errors import NotFound
from workflow.models import Article, Publication
from workflow.publishing.ninjs import current_version, siblings

SLUG_MAX = 80
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def slugify(headline: str) -> str:
    """Lower-case words of the headline joined by hyphens (Cyrillic kept), at most 80 chars."""
    text = unicodedata.normalize("NFKC", headline).lower().replace("_", " ")
    slug = _NOT_WORD.sub("-", text).strip("-")[:SLUG_MAX].rstrip("-")
    return slug or "item"


def path_for(publication: Publication) -> str:
    """The canonical public path of an edition's current version."""
    first = publication.first_published_at or publication.published_at
    if first is None:  # a version under embargo has no public address yet
        raise NotFound(f"Publication {publication.id} is not published yet.")
    return (f"/{publication.language}/{first.year:04d}/{first.month:02d}/"
            f"{slugify(publication.headline)}-{publication.article_id}")


@dataclass(frozen=True)
class PublicPage:
    """What a public page shows: the current version, its article and the other editions."""

    publication: Publication
    article: Article
    others: list[Publication]

    @property
    def gone(self) -> bool:
        """True after a kill: the page is a tombstone (410)."""
        return self.publication.status == "canceled"

    @property
    def etag(self) -> str:
        """Changes with every new version, status or sibling edition."""
        sibling = ".".join(f"{o.language}{o.version}" for o in self.others)
        return f'"p{self.publication.id}-{self.publication.version}-{self.publication.status}-' \
               f'{sibling}"'


def public_page(session: Session, language: str, article_id: int) -> PublicPage:
    """The latest visible version of one edition (NotFound if never published)."""
    publication = current_version(session, article_id, language)
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article {article_id}.")
    others = [o for o in siblings(session, {article_id}).get(article_id, [])
              if o.language != language]
    return PublicPage(publication, article, others)
