"""Dates and numbers as an export writes them in the account's language.

Strava writes `Activity Date` (UTC) in the account's locale: `Jan 1, 2024, 10:00:00 AM`,
`22 May 2024, 08:19:26`, `1 janv. 2024, 10:00:00`, `22. Mai 2024, 08:19:26`,
`22 мая 2024 г., 8:19:26`, `2024/01/01 10:00:00`, `2024年1月1日 午後10:00:00`,
`2024. 1. 1. 오후 10:00:00`. Rather than one format string per locale, the parts are found by
what they are: the four-digit year, the time (`:` or `.` separated, after the year), a month
word from any language's month names, a meridiem word, and the day. Numbers come with a decimal
point or a decimal comma, and thousands grouped by `,` `.` space or `'`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from connectors.files.sport_words import normalise

# Word beginnings of the month names (full, genitive and abbreviated forms all start so), per
# language: month number -> stems. Every stem is at least three letters, and no stem names two
# months (a test checks both).
MONTH_STEMS: Mapping[str, Mapping[int, tuple[str, ...]]] = {
    "en": {1: ("jan",), 2: ("feb",), 3: ("mar",), 4: ("apr",), 5: ("may",), 6: ("jun",),
           7: ("jul",), 8: ("aug",), 9: ("sep",), 10: ("oct",), 11: ("nov",), 12: ("dec",)},
    "de": {1: ("jan", "jän"), 2: ("feb",), 3: ("mär", "mrz"), 4: ("apr",), 5: ("mai",),
           6: ("jun",), 7: ("jul",), 8: ("aug",), 9: ("sep",), 10: ("okt",), 11: ("nov",),
           12: ("dez",)},
    "fr": {1: ("janv",), 2: ("févr", "fevr"), 3: ("mars",), 4: ("avr",), 5: ("mai",),
           6: ("juin",), 7: ("juil",), 8: ("août", "aout"), 9: ("sept",), 10: ("oct",),
           11: ("nov",), 12: ("déc", "dec")},
    "es": {1: ("ene",), 2: ("feb",), 3: ("mar",), 4: ("abr",), 5: ("may",), 6: ("jun",),
           7: ("jul",), 8: ("ago",), 9: ("sep", "set"), 10: ("oct",), 11: ("nov",),
           12: ("dic",)},
    "it": {1: ("gen",), 2: ("feb",), 3: ("mar",), 4: ("apr",), 5: ("mag",), 6: ("giu",),
           7: ("lug",), 8: ("ago",), 9: ("set",), 10: ("ott",), 11: ("nov",), 12: ("dic",)},
    "nl": {1: ("jan",), 2: ("feb",), 3: ("mrt", "maa"), 4: ("apr",), 5: ("mei",), 6: ("jun",),
           7: ("jul",), 8: ("aug",), 9: ("sep",), 10: ("okt",), 11: ("nov",), 12: ("dec",)},
    "pt": {1: ("jan",), 2: ("fev",), 3: ("mar",), 4: ("abr",), 5: ("mai",), 6: ("jun",),
           7: ("jul",), 8: ("ago",), 9: ("set",), 10: ("out",), 11: ("nov",), 12: ("dez",)},
    "ru": {1: ("янв",), 2: ("фев",), 3: ("мар",), 4: ("апр",), 5: ("май", "мая"),
           6: ("июн",), 7: ("июл",), 8: ("авг",), 9: ("сен",), 10: ("окт",), 11: ("ноя",),
           12: ("дек",)},
    "pl": {1: ("sty",), 2: ("lut",), 3: ("mar",), 4: ("kwi",), 5: ("maj",), 6: ("cze",),
           7: ("lip",), 8: ("sie",), 9: ("wrz",), 10: ("paź", "paz"), 11: ("lis",),
           12: ("gru",)},
    "sv": {1: ("jan",), 2: ("feb",), 3: ("mar",), 4: ("apr",), 5: ("maj",), 6: ("jun",),
           7: ("jul",), 8: ("aug",), 9: ("sep",), 10: ("okt",), 11: ("nov",), 12: ("dec",)},
    "da": {1: ("jan",), 2: ("feb",), 3: ("mar",), 4: ("apr",), 5: ("maj",), 6: ("jun",),
           7: ("jul",), 8: ("aug",), 9: ("sep",), 10: ("okt",), 11: ("nov",), 12: ("dec",)},
    "nb": {1: ("jan",), 2: ("feb",), 3: ("mar",), 4: ("apr",), 5: ("mai",), 6: ("jun",),
           7: ("jul",), 8: ("aug",), 9: ("sep",), 10: ("okt",), 11: ("nov",), 12: ("des",)},
    "tr": {1: ("oca",), 2: ("şub", "sub"), 3: ("mar",), 4: ("nis",), 5: ("may",),
           6: ("haz",), 7: ("tem",), 8: ("ağu", "agu"), 9: ("eyl",), 10: ("eki",),
           11: ("kas",), 12: ("ara",)},
}  # fmt: skip

# Meridiem words (12-hour clocks): after normalising, these say before or after noon.
_AM = ("am", "a.m.", "a. m.", "午前", "上午", "오전", "öö", "vorm.", "π.μ.", "πμ")
_PM = ("pm", "p.m.", "p. m.", "午後", "下午", "오후", "ös", "nachm.", "μ.μ.", "μμ")

_STEM_TO_MONTH: dict[str, int] = {
    normalise(stem): month
    for table in MONTH_STEMS.values()
    for month, stems in table.items()
    for stem in stems
}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_COLON_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")
_DOT_TIME = re.compile(r"(?<!\d)(\d{1,2})\.(\d{2})\.(\d{2})(?![\d.])")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")


class DateOrder:
    """Whether numeric dates (`03/04/2024`) put the day first, decided for a whole column: one
    value with a first number above 12 settles it for every row."""

    def __init__(self, texts: Iterable[str | None] = ()) -> None:
        self.day_first = True  # most locales; month-first exports (en-US) write month names
        for text in texts:
            numbers = _numeric_date(text or "")
            if numbers is None:
                continue
            first, second = numbers
            if first > 12 >= second:
                self.day_first = True
                return
            if second > 12 >= first:
                self.day_first = False
                return


def _numeric_date(text: str) -> tuple[int, int] | None:
    """The two numbers before the year of a year-last numeric date (`03/04/2024`), if it is one."""
    match = re.match(r"\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*\d{4}", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def parse_local_datetime(text: str | None, order: DateOrder | None = None) -> datetime:
    """A date and time written in any of the export languages, as a naive datetime.

    Raises ValueError naming the value when its parts cannot be found or do not make a date.
    """
    if not text or not text.strip():
        raise ValueError("the date is empty")
    cleaned = normalise(text.replace("\u202f", " ").replace("\xa0", " "))
    year_match = _YEAR.search(cleaned)
    if year_match is None:
        raise ValueError(f"{text!r} has no four-digit year")
    after_year = cleaned[year_match.end() :]
    time_match = _COLON_TIME.search(after_year) or _DOT_TIME.search(after_year)
    if time_match is None:
        raise ValueError(f"{text!r} has no time of day after its year")
    hour, minute = int(time_match.group(1)), int(time_match.group(2))
    second = int(time_match.group(3) or 0)
    cut = year_match.end() + time_match.start()
    date_part = cleaned[:cut]
    rest = cleaned[cut + len(time_match.group(0)) :]
    hour = _meridiem(hour, date_part[year_match.end() :] + " " + rest, text)

    tokens = _TOKEN.findall(date_part[: year_match.start()] + " " + date_part[year_match.end() :])
    year = int(year_match.group(1))
    # The last month word: a weekday before it (`mar.` is Tuesday in French) must not win.
    months = [m for token in tokens if (m := _month(token)) is not None]
    month = months[-1] if months else None
    numbers = [int(token) for token in tokens if token.isdigit()]
    if month is not None:
        if not numbers:
            raise ValueError(f"{text!r} has no day of the month")
        day = numbers[0]
    elif len(numbers) >= 2:
        year_first = not date_part[: year_match.start()].strip(" ,")
        if year_first:
            month, day = numbers[0], numbers[1]
        elif (order or DateOrder()).day_first:
            day, month = numbers[0], numbers[1]
        else:
            month, day = numbers[0], numbers[1]
    else:
        raise ValueError(f"{text!r} has no month")
    try:
        # Naive on purpose: the caller knows which zone the export wrote it in.
        return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
    except ValueError as error:
        raise ValueError(f"{text!r} is not a date: {error}") from error


def _month(token: str) -> int | None:
    if token.isdigit() or len(token) < 3:
        return None
    for length in range(len(token), 2, -1):
        month = _STEM_TO_MONTH.get(token[:length])
        if month is not None:
            return month
    return None


def _meridiem(hour: int, around: str, text: str) -> int:
    spaced = f" {around} "
    is_pm = any(_has_word(spaced, word) for word in _PM)
    is_am = any(_has_word(spaced, word) for word in _AM)
    if not (is_pm or is_am):
        return hour
    if not 0 <= hour <= 12:  # Japanese clocks write 午前0:30
        raise ValueError(f"{text!r} has hour {hour} on a 12-hour clock")
    if is_pm:
        return hour % 12 + 12
    return hour % 12


def _has_word(text: str, word: str) -> bool:
    if re.search(r"[^\x00-\x7f]", word) and not re.search(r"[a-zα-ω]", word):
        return word in text  # CJK / Hangul meridiem words sit against the digits
    return re.search(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", text) is not None


def parse_number(text: str | None, *, decimal_comma: bool | None = None) -> float | None:
    """`5012.3`, `1,234.5`, `5,01`, `1.234,5`, `1 234,5`, `1'234.5`; None when not a number.

    `decimal_comma` is the file's convention when known; otherwise a lone comma followed by
    other than three digits is a decimal comma, and where both marks appear the last one is.
    """
    if text is None:
        return None
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.replace("'", "")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        comma_decimal = cleaned.rfind(",") > cleaned.rfind(".")
    elif "," in cleaned:
        comma_decimal = (
            decimal_comma
            if decimal_comma is not None
            else not re.fullmatch(r"-?\d{1,3}(,\d{3})+", cleaned)
        )
    else:
        comma_decimal = False
        if decimal_comma and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
            cleaned = cleaned.replace(".", "")  # `1.234` in a decimal-comma file is 1234
    if comma_decimal:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def uses_decimal_comma(texts: Iterable[str | None]) -> bool | None:
    """Whether numbers in a column use a decimal comma: `5,01` says yes, `5.01` says no;
    None when no value settles it (`1,234` could be either)."""
    for text in texts:
        if not text:
            continue
        value = text.strip()
        if re.fullmatch(r"-?\d+,\d{1,2}|-?\d+,\d{4,}|-?\d{1,3}(\.\d{3})+,\d+", value):
            return True
        if re.fullmatch(r"-?\d+\.\d{1,2}|-?\d+\.\d{4,}|-?\d{1,3}(,\d{3})+\.\d+", value):
            return False
    return None
