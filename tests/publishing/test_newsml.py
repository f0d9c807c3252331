"""NewsML-G2 items for partners: valid against the NewsML-G2 XSD, scoped to the partner's key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from tests.publishing.conftest import bearer

SCHEMAS = Path(__file__).resolve().parent / "schemas" / "newsml-g2"
NAR = "{http://iptc.org/std/nar/2006-10-01/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "NewsML-G2_2.24-spec-All-Core.xsd")))


def fetch(client, secret: str, article_id: int, language: str, accept: str | None = None):
    uri = f"urn:audarma:item:{article_id}:{language}"
    if accept:
        return client.get(f"/api/v1/items/{uri}", headers={**bearer(secret), "Accept": accept})
    return client.get(f"/api/v1/items/{uri}.xml", headers=bearer(secret))


def article_of(app, edition_id: int) -> int:
    from workflow.models import Edition

    with app.app_context():
        return app.extensions["audarma.db"].session.get(Edition, edition_id).article_id


def test_a_published_version_is_a_valid_news_item(app, client, make_story, publish,
                                                 make_partner, schema):
    story = make_story(languages=("kk", "ru"), category="politics")
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    _p, _k, secret = make_partner(languages="kk,en")
    article_id = article_of(app, story["kk"])
    response = fetch(client, secret, article_id, "kk")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.iptc.g2.newsitem+xml"
    item = etree.fromstring(response.data)
    schema.assertValid(item)
    assert item.get(XML_LANG) == "kk" and item.get("version") == "1"
    assert item.find(f"{NAR}itemMeta/{NAR}pubStatus").get("qcode") == "stat:usable"
    assert item.find(f"{NAR}contentMeta/{NAR}headline").text.startswith("[kk]")
    links = item.findall(f"{NAR}itemMeta/{NAR}link")
    # the English original is linked; the Russian edition is not this partner's to read
    assert [(link.get("residref"), link.get("rel")) for link in links] == [
        (f"urn:audarma:item:{article_id}:en", "irel:translatedFrom")]
    assert b"[ru]" not in response.data
    body = item.find(f"{NAR}contentSet/{NAR}inlineXML/{{http://www.w3.org/1999/xhtml}}html")
    assert body is not None and body.get(XML_LANG) == "kk"
    same = fetch(client, secret, article_id, "kk", accept="application/vnd.iptc.g2.newsitem+xml")
    assert same.status_code == 200 and etree.fromstring(same.data).get("guid") == item.get("guid")


def test_corrections_and_kills_reach_newsml_partners(app, client, make_story, publish,
                                                    make_partner, schema):
    from workflow.models import Edition
    from workflow.states import EditionState, transition

    story = make_story(languages=("kk",))
    publish("publish_edition", story["kk"], None)
    publish("reopen_for_correction", story["kk"], None)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        edition = session.get(Edition, story["kk"])
        for state in (EditionState.SUBMITTED, EditionState.APPROVED):
            transition(edition, state)
    publish("publish_edition", story["kk"], None, correction_note="The toll was 12, not 15.")
    _p, _k, secret = make_partner(languages="kk")
    article_id = article_of(app, story["kk"])
    corrected = etree.fromstring(fetch(client, secret, article_id, "kk").data)
    schema.assertValid(corrected)
    meta = corrected.find(f"{NAR}itemMeta")
    assert corrected.get("version") == "2"
    note = meta.find(f"{NAR}edNote")
    assert note.get("role") == "ednoterole:correction" and "12, not 15" in note.text
    publish("kill_edition", story["kk"], None, "Legal advice.")
    killed = etree.fromstring(fetch(client, secret, article_id, "kk").data)
    schema.assertValid(killed)
    assert killed.find(f"{NAR}itemMeta/{NAR}pubStatus").get("qcode") == "stat:canceled"


def test_a_partner_without_the_language_gets_no_item(app, client, make_story, publish,
                                                    make_partner):
    story = make_story(languages=("ru",))
    publish("publish_edition", story["ru"], None)
    _p, _k, secret = make_partner(languages="kk")
    response = fetch(client, secret, article_of(app, story["ru"]), "ru")
    assert response.status_code == 403 and b"[ru]" not in response.data


@pytest.mark.skipif(not os.environ.get("AUDARMA_SHARED_DATA"), reason="AUDARMA_SHARED_DATA not set")
def test_iptc_guideline_core_examples_validate_with_the_vendored_schema(schema):
    """The vendored schema accepts IPTC's own 2.24 text item and refuses a Power-only one."""
    examples = Path(os.environ["AUDARMA_SHARED_DATA"]) / "newsml-g2-examples" / "examples"
    assert schema.validate(etree.parse(str(examples / "LISTING_2_NewsML-G2_Text_Document.xml")))
    power = etree.parse(str(examples / "LISTING_1_A_NewsML-G2_News_Item.xml"))
    assert not schema.validate(power)  # 2.35 Power (signal, …): the schema does check
