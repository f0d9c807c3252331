"""IPTC NewsML-G2 for partners: one published version as a ``newsItem`` with an XHTML body.

The same version, status and language links as the ninjs item (``workflow.publishing.ninjs``),
in the form agencies exchange: ``pubStatus`` usable or canceled, an ``edNote`` with its role for a
correction or kill, ``link`` elements to the other published language editions the partner may
read, and the body as XHTML in ``inlineXML``. Conforms to NewsML-G2 2.24 Core (tests validate it
with the XSD).
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from workflow.models import Article, Publication
from workflow.publishing import partner_text
from workflow.publishing.ninjs import body_with_notes, iso, item_uri

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/vnd.iptc.g2.newsitem+xml"
CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_36.xml"


def _el(parent: etree._Element, name: str, text: str | None = None,
        **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAR}}}{name}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _xhtml(headline: str, body_html: str, language: str) -> etree._Element:
    """The body fragment as an XHTML document (well-formed, in the XHTML namespace)."""
    page = lxml_html.document_fromstring(
        f"<html><head><title></title></head><body>{body_html}</body></html>")
    page.find("head/title").text = headline
    lxml_html.html_to_xhtml(page)
    page.set("lang", language)
    page.set(XML_LANG, language)
    return etree.fromstring(etree.tostring(page))  # a plain XML element tree


def news_item(publication: Publication, article: Article,
              others: list[Publication] | None = None) -> bytes:
    """One version as a NewsML-G2 ``newsItem`` document (UTF-8 bytes)."""
    canceled = publication.status == "canceled"
    language = publication.language
    root = etree.Element(f"{{{NAR}}}newsItem", nsmap={None: NAR}, attrib={
        "guid": item_uri(publication.article_id, language),
        "version": str(publication.version),
        "standard": "NewsML-G2", "standardversion": "2.24", "conformance": "core",
        XML_LANG: language,
    })
    _el(root, "catalogRef", href=CATALOG)
    meta = _el(root, "itemMeta")
    _el(meta, "itemClass", qcode="ninat:text")
    _el(meta, "provider", literal="Audarma")
    _el(meta, "versionCreated", iso(publication.published_at))
    first = publication.first_published_at or publication.published_at
    if first is not None:
        _el(meta, "firstCreated", iso(first))
    if publication.embargo_until is not None:
        _el(meta, "embargoed", iso(publication.embargo_until))
    _el(meta, "pubStatus", qcode="stat:canceled" if canceled else "stat:usable")
    if canceled:  # every note in the item's language (workflow.publishing.partner_text)
        _el(meta, "edNote", partner_text.withdrawal(language, publication.kill_reason),
            role="ednoterole:withdrawal")
    elif publication.correction_note:
        _el(meta, "edNote", partner_text.correction_line(language, publication.correction_note),
            role="ednoterole:correction")
    elif publication.version > 1:
        _el(meta, "edNote", partner_text.text(language, "update", version=publication.version),
            role="ednoterole:update")
    for other in others or []:
        if other.language == language:
            continue
        original = other.language == article.source_language
        link = _el(meta, "link", rel="irel:translatedFrom" if original else "irel:seeAlso",
                   residref=item_uri(other.article_id, other.language),
                   version=str(other.version), contenttype=MEDIA_TYPE)
        link.set("title", other.headline)
        link.set(XML_LANG, other.language)
    content = _el(root, "contentMeta")
    if article.created_at is not None:
        _el(content, "contentCreated", iso(article.created_at))
    _el(content, "language", tag=language)
    if article.category:
        subject = _el(content, "subject", type="cpnat:abstract", literal=article.category)
        _el(subject, "name", article.category)
    _el(content, "headline", publication.headline)
    if publication.byline:
        _el(content, "description", publication.byline, role="drol:byline")
    content_set = _el(root, "contentSet")
    inline = _el(content_set, "inlineXML", contenttype="application/xhtml+xml")
    inline.append(_xhtml(publication.headline, body_with_notes(publication), language))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
