"""Every sentence Audarma itself writes into what partners receive, in the edition's language.

A Kazakh item carries a Kazakh disclosure, correction label and withdrawal notice; only the
words a person typed (a correction note, a kill reason) stay as they were written. The model
package is never named here: it goes only to partners who asked for provenance (``ninjs``).
"""

from __future__ import annotations

from translations.transliteration import to_latin
from workflow import latin_edition

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "disclosure_source": "Original text by the newsroom; not machine-translated.",
        "disclosure_translation": "Translated with machine assistance and reviewed by a human "
                                  "editor before publication.",
        "correction_label": "Correction",
        "correction_default": "This is a corrected version (version {version}) of an earlier "
                              "story.",
        "withdrawn": "This story has been withdrawn. Reason: {reason}",
        "reason_not_given": "not given",
        "photo": "Photo",
        "update": "Update: version {version}.",
        "feed_description": "Published Audarma editions in English.",
        "feed_description_latin": "Published Audarma editions in Kazakh, Latin alphabet.",
        "disclosure_transliteration": "The Kazakh edition written in the Latin alphabet, letter "
                                      "by letter; checked by an editor before publication.",
    },
    "kk": {
        "disclosure_source": "Редакцияның түпнұсқа мәтіні; машиналық аударма емес.",
        "disclosure_translation": "Машиналық аударманың көмегімен аударылды, жарияланар алдында "
                                  "редактор тексерді.",
        "correction_label": "Түзету",
        "correction_default": "Бұл бұрын жарияланған материалдың түзетілген нұсқасы "
                              "({version}-нұсқа).",
        "withdrawn": "Бұл материал жариялымнан алынды. Себебі: {reason}",
        "reason_not_given": "көрсетілмеген",
        "photo": "Фото",
        "update": "Жаңарту: {version}-нұсқа.",
        "feed_description": "Audarma-ның қазақ тіліндегі жарияланған материалдары.",
        "feed_description_latin": "Audarma-ның латын әліпбиімен жазылған қазақ тіліндегі "
                                  "жарияланған материалдары.",
        "disclosure_transliteration": "Қазақша нұсқа латын әліпбиіне әріп бойынша көшірілді; "
                                      "жарияланар алдында редактор тексерді.",
    },
    "ru": {
        "disclosure_source": "Оригинальный текст редакции; не машинный перевод.",
        "disclosure_translation": "Переведено с помощью машинного перевода и проверено "
                                  "редактором перед публикацией.",
        "correction_label": "Исправление",
        "correction_default": "Это исправленная версия (версия {version}) ранее опубликованного "
                              "материала.",
        "withdrawn": "Этот материал отозван. Причина: {reason}",
        "reason_not_given": "не указана",
        "photo": "Фото",
        "update": "Обновление: версия {version}.",
        "feed_description": "Опубликованные материалы Audarma на русском языке.",
        "feed_description_latin": "Опубликованные материалы Audarma на казахском языке "
                                  "латиницей.",
        "disclosure_transliteration": "Казахская версия, побуквенно записанная латиницей; "
                                      "проверена редактором перед публикацией.",
    },
}


def text(language: str, key: str, **values: object) -> str:
    """One product sentence in ``language`` (English for a language without texts); the Kazakh
    Latin edition's are the Kazakh ones in the instance's Latin alphabet."""
    if language == latin_edition.LATIN:
        if key == "feed_description":
            key = "feed_description_latin"
        sentence = TEXTS[latin_edition.KAZAKH][key].format(**values)
        return to_latin(sentence, latin_edition.alphabet() or latin_edition.ALPHABETS[0])
    return TEXTS.get(language, TEXTS["en"])[key].format(**values)


def disclosure(language: str, is_source: bool) -> str:
    """How the text was made, in the edition's language, without naming any model."""
    if language == latin_edition.LATIN:
        return text(language, "disclosure_transliteration")
    return text(language, "disclosure_source" if is_source else "disclosure_translation")


def correction_default(language: str, version: int) -> str:
    """The correction note used when the editor gave none."""
    return text(language, "correction_default", version=version)


def correction_line(language: str, note: str) -> str:
    """``Correction: <note>`` with the label in the edition's language."""
    return f"{text(language, 'correction_label')}: {note}"


def withdrawal(language: str, reason: str | None) -> str:
    """The notice a killed item carries instead of its text."""
    return text(language, "withdrawn", reason=reason or text(language, "reason_not_given"))


def photo_credit(language: str, credit: str) -> str:
    """``Photo: <credit>`` in the edition's language."""
    return f"{text(language, 'photo')}: {credit}"
