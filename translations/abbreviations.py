"""What may stand before a sentence-final dot in kk/ru/en news, and which words open sentences."""

from __future__ import annotations

__all__ = [
    "BEFORE_NUMBER",
    "COUNTS",
    "DATES",
    "EN_ENDS_BEFORE_CAPITAL",
    "LATIN",
    "LIST_ENDS",
    "MONTHS",
    "MAY_END",
    "NEVER_FINAL",
    "STARTERS",
]

# Abbreviations after which a sentence does not end (lower-cased, inner spaces removed, without
# the final dot). Those that may end one are also in MAY_END, LIST_ENDS or DATES below.
NEVER_FINAL = {
    "kk": {
        "т.б", "т.с.с", "т.с", "т.т", "б.з.д", "б.з.б", "б.з", "б.д.д", "б.д", "ж.ж", "ғ.ғ",
        "ш.ж.қ", "а.ж", "мыс", "құр", "жыл", "ж", "жж", "ғ", "ғғ", "ғас", "млн", "млрд",
        "трлн", "мың", "тг", "теңг", "қаң", "ақп", "нау", "сәу", "мам", "мау", "шіл", "там",
        "қыр", "қаз", "қар", "жел", "көш", "даң", "ш", "к", "а", "қ", "обл", "ауд",
        "проф", "акад", "доц", "дж", "испан", "ағыл", "лат", "нем", "фр", "орыс", "гр",
        "мөлш", "ред", "құраст", "б", "см",
        "км", "м", "кг", "га", "сағ", "мин", "сек", "тәул", "ғыл", "ин-т", "ун-т", "т.ғ.д",
        "т.ғ.к", "ф.ғ.д", "ф.ғ.к", "э.ғ.д", "э.ғ.к", "з.ғ.д", "з.ғ.к", "п.ғ.д", "п.ғ.к", "м.ғ.д",
        "тел", "туғ", "өлг", "ж.т.б",
    },
    "ru": {
        "т.е", "т.к", "т.н", "т.о", "т.ч", "т.п", "т.д", "и.о", "вр.и.о", "напр", "др", "пр",
        "им", "ул", "пл", "пер", "просп", "пос", "д", "корп", "кв", "стр", "см", "ср", "рис",
        "табл", "гл", "ст", "п", "пп", "ч", "г", "гг", "г.г", "в", "вв", "в.в", "н.э", "до н.э",
        "млн", "млрд", "трлн", "тыс", "руб", "коп", "долл", "янв", "фев", "февр", "мар", "апр",
        "авг", "сент", "сен", "окт", "нояб", "ноя", "дек", "обл", "р-н", "с", "проф", "акад",
        "доц", "тов", "гр", "ген", "полк", "м", "км", "кг", "рус", "англ", "каз", "тел", "зам",
        "ред", "прим", "изд", "св", "свв", "дж", "кв.м", "т.и", "т.наз", "т.г", "с.г", "н.в",
        "наст", "прибл", "ок", "мин", "сек", "га", "т", "тт", "ил", "илл", "библ", "вып",
        "лат", "нем", "фр", "итал", "исп", "греч", "араб", "кит", "тюрк", "яп",
        "русск", "сокр", "букв", "перен", "разг", "устар", "совр", "быв", "гос",
        "нац", "инж", "канд", "докт", "м.н.с", "с.н.с", "н.с", "ж.д", "ж/д", "хоз", "с.-х",
        "о", "оз", "р", "пгт", "дер", "мкр", "ш", "наб", "бул", "туп", "кн",
        "п.п", "соч", "ук", "цит",
    },
    "en": {
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt",
        "capt", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "no", "nos", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
        "dept", "est", "fig", "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n", "e.u", "rev",
        "det", "supt", "a.m", "p.m", "mt", "ft", "pp", "vol", "ed", "al", "sens", "reps",
        "d.c", "v", "cf", "ca", "b.c", "a.d", "c",
    },
}  # fmt: skip
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "gen", "col", "no"}
# Latin abbreviations inside Cyrillic text ("картам U.S. Drought Monitor") never end a sentence.
LATIN = {"u.s", "u.k", "u.n", "e.u", "d.c", "v"}
NEVER_FINAL["kk"] |= _TITLES | LATIN
NEVER_FINAL["ru"] |= _TITLES | LATIN
# Abbreviations that only stand before a number ("No. 11"); before anything else the dot ends
# the sentence ("No, no, no. What they said ...").
BEFORE_NUMBER = {"no", "nos"}
# English months and "etc.": "Oct. 2" goes on, "closed until Oct. President Joko ..." ends.
EN_ENDS_BEFORE_CAPITAL = {
    "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
# Counting words after which an all-capitals acronym is still the same sentence ("60 млрд. АҚШ").
COUNTS = {"млн", "млрд", "мың", "тыс", "трлн"}
# "and so on": they close a list, so a capitalised word after them opens a new sentence.
LIST_ENDS = {
    "kk": {"т.б", "т.с.с", "т.т", "ж.т.б"},
    "ru": {"т.д", "т.п", "др", "т.д.и т.п"},
    "en": {"etc"},
}
# Years, centuries and eras: "1465 ж. Керей ...", "в 1990-х гг. Компания ...", "до н. э. Марк
# Антоний" go on; only a word that opens sentences ("В 2024 г. Затем ...") starts a new one.
DATES = {
    "kk": {"ж", "жж", "ж.ж", "ғ", "ғғ", "ғ.ғ", "ғас", "б.з.б", "б.з", "б.з.д", "б.д.д", "б.д"},
    "ru": {"г", "гг", "г.г", "в", "вв", "в.в", "н.э", "до н.э"},
    "en": set(),
}
# Units and counts, which may end a sentence before any capitalised word ("до 3 км. Вглубь").
MAY_END = {
    "kk": {"млн", "млрд", "мың", "тг", "км", "м", "кг", "см", "га"},
    "ru": {"млн", "млрд", "тыс", "руб", "коп", "км", "м", "кг", "см"},
    "en": {
        "etc", "inc", "ltd", "co", "corp", "jr", "sr", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m",
        "d.c", "a.d", "b.c",
    },
}  # fmt: skip
for _lang in NEVER_FINAL:
    NEVER_FINAL[_lang] |= LIST_ENDS[_lang] | DATES[_lang] | MAY_END[_lang]

# Month names and year words, which do not make a date clause a sentence ("29 сентября 2018 г.").
MONTHS = frozenset(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря "
    "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре "
    "года году годах годы годов века веке веков веках "
    "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан "
    "қаңтардың ақпанның наурыздың сәуірдің мамырдың маусымның шілденің тамыздың "
    "қыркүйектің қазанның қарашаның желтоқсанның жылы жылғы жылдың ғасыр ғасырда "
    "ғасырдың".split()
)
# Words that typically open a sentence (lower-case). After an ambiguous dot (an initial, a year
# abbreviation, "U.S.") only these start a new sentence; names and nouns continue it.
STARTERS = {
    "en": frozenset(
        "a an the as at in on it its he she we they i you this that these those there then but "
        "and or so if when while after before since his her their our my however meanwhile "
        "according".split()
    ),
    "ru": frozenset(
        "в во на по с со при после до для из к о об у за под над от через между также кроме "
        "однако но и а или так такие такой такая такое это эти этот эта этим этого этой тот та "
        "то те он она оно они его ее её их им ему ей мы я вы ты нас нам затем потом тогда "
        "сейчас сегодня вчера завтра теперь поэтому впрочем кстати напомним как когда где если "
        "хотя пока уже ещё еще все всё весь вся многие некоторые позже ранее всего там здесь "
        "тут итак таким причем причём впоследствии вместе лишь только даже именно что чтобы "
        "почему кто нет да среди около более менее свыше несмотря благодаря согласно помимо "
        "вместо наконец сначала далее ныне позднее спустя впервые тем при этом её".split()
    ),
    "kk": frozenset(
        "бұл ол осы сол мұндай сондай сондай-ақ сонымен алайда бірақ ал және әрі дегенмен "
        "яғни ендеше енді қазір қазіргі бүгін бүгінде кеше ертең биыл былтыр кейін содан "
        "сондықтан себебі өйткені мысалы біз мен сен сіз олар оның олардың бұның мұның осыған "
        "осылайша сонда онда мұнда міне айта естеріңізге еске бұдан одан оған бұған тағы тіпті "
        "әйтсе соның осының барлық жалпы негізі қалай неге не кім қашан қайда иә әрине "
        "шынында біріншіден екіншіден ақыры соңында әр әрбір көптеген бірнеше сонымен қатар "
        "бұрын кезінде ары бері соған сосын сөйтіп ақырында".split()
    ),
}
