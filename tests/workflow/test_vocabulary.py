"""One vocabulary: the desk's languages, roles and state groups are spelled out once."""

from __future__ import annotations

from pathlib import Path

from workflow import vocabulary
from workflow.states import EditionState, JobState

ROOT = Path(__file__).resolve().parents[2]


def test_groups_are_made_of_real_states():
    jobs = {s.value for s in JobState}
    editions = {s.value for s in EditionState}
    for group in (vocabulary.OPEN_JOB_STATES, vocabulary.LIVE_JOB_STATES,
                  vocabulary.SHOWN_JOB_STATES, vocabulary.RETRYABLE_JOB_STATES):
        assert set(group) <= jobs
    for group in (vocabulary.EDITABLE_EDITION_STATES, vocabulary.OPEN_EDITION_STATES,
                  vocabulary.PUBLISHING_DESK_STATES, vocabulary.LIVE_EDITION_STATES):
        assert set(group) <= editions
    assert vocabulary.EDITION_STATES == tuple(s.value for s in EditionState)


def test_languages_and_roles():
    assert vocabulary.LANGUAGES == ("kk", "ru", "en")
    assert vocabulary.language("kk").native == "Қазақша"
    assert vocabulary.other_languages("ru") == ["kk", "en"]
    assert vocabulary.holds_role(["admin"], "translator")
    assert not vocabulary.holds_role(["translator"], "editor")


def test_no_module_spells_the_language_list_out():
    """The list lives in workflow/vocabulary.py; web, workflow and templates import it."""
    spelled = []
    for folder in ("workflow", "web", "tasks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or path.name == "vocabulary.py":
                continue
            text = path.read_text(encoding="utf-8")
            for needle in ('("kk", "ru", "en")', '["kk", "ru", "en"]', '("kk", _("Kazakh"))'):
                if needle in text:
                    spelled.append(f"{path.relative_to(ROOT)}: {needle}")
    assert spelled == []


def test_the_latin_edition_is_published_but_never_a_translation_target():
    assert vocabulary.PUBLISHED_LANGUAGES == ("kk", "ru", "en", "kk-Latn")
    assert "kk-Latn" not in vocabulary.LANGUAGES and "kk-Latn" not in vocabulary.INTERFACE_LOCALES
    assert vocabulary.published_language("KK-latn") == "kk-Latn"
    assert vocabulary.published_language("kk-Cyrl") is None
    assert vocabulary.feed_slug("kk-Latn") == "kk-latn"
    assert vocabulary.base_language("kk-Latn") == "kk" and vocabulary.base_language("ru") == "ru"
    assert vocabulary.language("kk-Latn").native == "Qazaqşa"
