"""Strava bulk exports written in each language Strava's interface offers.

Each case is an activities.csv as an account in that language exports it: the header in the
language (or, as some exports do, the first block localised and the second block in English),
the date in the language's own form and clock, decimal commas where the language writes them,
and the activity types in the language.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from connectors.errors import FileFormatError
from connectors.files.local_dates import MONTH_STEMS, parse_local_datetime, parse_number
from connectors.files.sport_words import TYPE_FAMILIES, TYPES, normalise, strava_type_key
from connectors.files.sports import named_sport_family
from connectors.files.strava_export import StravaRow, StravaRowError, read_activities_csv

# Today's English header, first 32 columns (the layout every language keeps).
ENGLISH = [
    "Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
    "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute",
    "Activity Private Note", "Activity Gear", "Filename", "Athlete Weight", "Bike Weight",
    "Elapsed Time", "Moving Time", "Distance", "Max Speed", "Average Speed", "Elevation Gain",
    "Elevation Loss", "Elevation Low", "Elevation High", "Max Grade", "Average Grade",
    "Average Positive Grade", "Average Negative Grade", "Max Cadence", "Average Cadence",
    "Max Heart Rate", "Average Heart Rate",
]  # fmt: skip
# The localised names of the columns the test reads (the importer does not rely on them).
FIRST_BLOCK = {
    "de": ["Aktivitäts-ID", "Aktivitätsdatum", "Name der Aktivität", "Aktivitätsart",
           "Beschreibung der Aktivität", "Verstrichene Zeit", "Distanz", "Max. Herzfrequenz"],
    "fr": ["ID de l'activité", "Date de l'activité", "Nom de l'activité", "Type d'activité",
           "Description de l'activité", "Temps écoulé", "Distance", "Fréquence cardiaque max."],
    "ja": ["アクティビティID", "アクティビティの日付", "アクティビティ名", "アクティビティタイプ",
           "アクティビティの説明", "経過時間", "距離", "最大心拍数"],
}  # fmt: skip


def localised_header(first: list[str], second_block_english: bool) -> list[str]:
    header = list(ENGLISH)
    header[: len(first)] = first
    if not second_block_english:
        header[15], header[17], header[30] = first[5], first[6], first[7]
    return header


# (language, Activity Date as written, run type, ride type, decimal comma, header style)
CASES = [
    ("en-US", "Jan 5, 2024, 7:05:09 PM", "Run", "Ride", False, "en"),
    ("en-GB", "5 Jan 2024, 19:05:09", "Trail Run", "Gravel Ride", False, "en"),
    ("de", "05.01.2024, 19:05:09", "Lauf", "Radfahrt", True, "de"),
    ("de-month", "5. Jan. 2024, 19:05:09", "Traillauf", "Virtuelle Radfahrt", True, "de+en"),
    ("fr", "5 janv. 2024, 19:05:09", "Course à pied", "Vélo", True, "fr"),
    ("es", "5 ene 2024, 19:05:09", "Carrera", "Bicicleta", True, "fr"),
    ("es-419", "5 ene. 2024 7:05:09 p. m.", "Carrera virtual", "Bicicleta de montaña", False, "de"),
    ("it", "5 gen 2024, 19:05:09", "Corsa", "Giro in bici", True, "de+en"),
    ("nl", "5 jan. 2024 19:05:09", "Hardloopsessie", "Fietsrit", True, "de"),
    ("pt-BR", "5 de jan. de 2024 19:05:09", "Corrida", "Pedalada", True, "fr"),
    ("pt-PT", "05/01/2024, 19:05:09", "Corrida em trilha", "Bicicleta elétrica", True, "de"),
    ("ja", "2024/01/05 19:05:09", "ラン", "ライド", False, "ja"),
    ("ja-kanji", "2024年1月5日 午後7:05:09", "トレイルラン", "バーチャルライド", False, "ja+en"),
    ("zh-CN", "2024年1月5日 下午7:05:09", "跑步", "骑行", False, "ja"),
    ("zh-TW", "2024/1/5 下午7:05:09", "虛擬跑步", "騎乘", False, "ja+en"),
    ("ru", "5 янв. 2024 г., 19:05:09", "Забег", "Велозаезд", True, "fr"),
    ("ko", "2024. 1. 5. 오후 7:05:09", "달리기", "라이딩", False, "ja"),
    ("pl", "5 sty 2024, 19:05:09", "Bieg", "Jazda na rowerze", True, "de"),
    ("sv", "5 jan. 2024 19:05:09", "Löpning", "Cykeltur", True, "de+en"),
    ("da", "5. jan. 2024 19.05.09", "Løb", "Cykeltur", True, "de"),
    ("nb", "5. jan. 2024, 19:05:09", "Løping", "Sykkeltur", True, "fr"),
    ("tr", "5 Oca 2024 19:05:09", "Koşu", "Bisiklet sürüşü", True, "de"),
]  # fmt: skip


def export_csv(date: str, run: str, ride: str, comma: bool, style: str) -> bytes:
    if style == "en":
        header = list(ENGLISH)
    else:
        header = localised_header(FIRST_BLOCK[style.split("+")[0]], style.endswith("+en"))

    def num(text: str) -> str:
        return text.replace(".", ",") if comma else text

    def row(activity_id: str, kind: str, km: str, metres: str, moving: str) -> list[str]:
        cells = [""] * len(header)
        cells[:8] = [activity_id, date, f"Abend {kind}", kind, "", "3100", num(km), "171"]
        cells[12] = f"activities/{activity_id}.fit.gz"
        cells[15:18] = [num("3100.0"), num(moving), num(metres)]
        cells[30:32] = ["171", "148"]
        return cells

    text = io.StringIO()
    csv.writer(text).writerows([
        header,
        row("11223344556", run, "10.01", "10012.300048828125", "3000.5"),
        row("11223344557", ride, "40.50", "40498.1", "5400.0"),
    ])  # fmt: skip
    return text.getvalue().encode()


@pytest.mark.parametrize(("language", "date", "run", "ride", "comma", "style"), CASES)
def test_an_export_in_each_language(
    language: str, date: str, run: str, ride: str, comma: bool, style: str
) -> None:
    rows = list(read_activities_csv(export_csv(date, run, ride, comma, style)))
    assert all(isinstance(row, StravaRow) for row in rows), rows
    first, second = rows
    assert isinstance(first, StravaRow) and isinstance(second, StravaRow)
    assert first.activity_id == "11223344556"
    assert first.start_utc == datetime(2024, 1, 5, 19, 5, 9, tzinfo=UTC)
    assert first.distance_m == pytest.approx(10012.300048828125)
    assert (first.moving_s, first.elapsed_s) == (3000.5, 3100.0)
    assert (first.max_hr, first.avg_hr) == (171, 148)
    assert first.filename == "activities/11223344556.fit.gz"
    assert named_sport_family(first.activity_type) == "run"
    assert named_sport_family(second.activity_type) == "ride"
    assert second.distance_m == pytest.approx(40498.1)


def test_the_layout_is_found_from_the_values_when_the_names_do_not_repeat() -> None:
    """A header whose second block is named apart from the first (no repeated names): the
    second block is where the values repeat the first's seconds and kilometres."""
    data = export_csv("05.01.2024, 19:05:09", "Lauf", "Radfahrt", True, "de")
    header, *rows = list(csv.reader(io.StringIO(data.decode())))
    header = [f"Spalte {position}" for position in range(len(header))]
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    first = next(iter(read_activities_csv(text.getvalue().encode())))
    assert isinstance(first, StravaRow)
    assert (first.distance_m, first.moving_s) == (pytest.approx(10012.3), 3000.5)


@pytest.mark.parametrize(
    ("header", "rows", "said"),
    [
        (["date", "km"], [["2024-01-01", "5"]], "2 columns"),
        ([f"c{n}" for n in range(20)], [["abc", "x"] + [""] * 18], "'abc', not an activity id"),
        ([f"c{n}" for n in range(20)], [["12", "tomorrow"] + [""] * 18], "not a date"),
        ([f"c{n}" for n in range(20)], [], "no rows"),
    ],
)
def test_an_unrecognised_layout_names_the_header_found_and_what_was_expected(
    header: list[str], rows: list[list[str]], said: str
) -> None:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    with pytest.raises(FileFormatError) as raised:
        list(read_activities_csv(text.getvalue().encode()))
    message = str(raised.value)
    assert f"its header row is [{', '.join(header[:8])}" in message
    assert "expected Strava's columns in their order" in message
    assert said in message


def test_one_unreadable_date_is_that_rows_error_not_the_files() -> None:
    data = export_csv("05.01.2024, 19:05:09", "Lauf", "Radfahrt", True, "de")
    header, good, _ = list(csv.reader(io.StringIO(data.decode())))
    bad = list(good)
    bad[0], bad[1] = "11223344558", "irgendwann"
    text = io.StringIO()
    csv.writer(text).writerows([header, good, good, bad])
    rows = list(read_activities_csv(text.getvalue().encode()))
    assert [type(row) for row in rows] == [StravaRow, StravaRow, StravaRowError]
    assert "Aktivitätsdatum='irgendwann'" in rows[2].reason  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/01/2024 10:00:00", datetime(2024, 1, 12, 10)),  # day first unless told
        ("1 févr. 2024, 07:00:00", datetime(2024, 2, 1, 7)),
        ("3 März 2024, 07:00:00", datetime(2024, 3, 3, 7)),
        ("3 mrt 2024 07:00:00", datetime(2024, 3, 3, 7)),
        ("3 maja 2024 07:00:00", datetime(2024, 5, 3, 7)),
        ("3 août 2024 07:00:00", datetime(2024, 8, 3, 7)),
        ("3 dez. 2024 07:00:00", datetime(2024, 12, 3, 7)),
        ("3 ott 2024, 07:00:00", datetime(2024, 10, 3, 7)),
        ("3 de out. de 2024 07:00:00", datetime(2024, 10, 3, 7)),
        ("3 дек. 2024 г., 7:00:00", datetime(2024, 12, 3, 7)),
        ("Dec 3, 2024, 12:30:00 AM", datetime(2024, 12, 3, 0, 30)),
        ("Dec 3, 2024, 12:30:00 PM", datetime(2024, 12, 3, 12, 30)),
        ("2024年12月3日 午前0:30:00", datetime(2024, 12, 3, 0, 30)),
        ("3 Ara 2024 07:00:00", datetime(2024, 12, 3, 7)),
    ],
)
def test_localised_dates_and_clocks(text: str, expected: datetime) -> None:
    assert parse_local_datetime(text) == expected


@pytest.mark.parametrize("text", ["", "no date", "2024", "31.02.2024 10:00:00",
                                  "Jan 1, 2024, 13:00:00 PM", "5 Xyz 2024 10:00"])  # fmt: skip
def test_what_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"empty|year|time|month|not a date|12-hour"):
        parse_local_datetime(text)


@pytest.mark.parametrize(
    ("text", "comma", "value"),
    [("5012.3", None, 5012.3), ("5012,3", None, 5012.3), ("1,234.5", None, 1234.5),
     ("1.234,5", None, 1234.5), ("1 234,5", None, 1234.5), ("1\u202f234,5", None, 1234.5),
     ("1,234", True, 1.234), ("1,234", None, 1234.0), ("1.234", True, 1234.0), ("", None, None),
     ("n/a", None, None)],
)  # fmt: skip
def test_numbers_with_either_decimal_mark(text: str, comma: bool | None, value: float) -> None:
    assert parse_number(text, decimal_comma=comma) == value


@pytest.mark.parametrize(
    ("language", "name", "key"),
    [(language, name, key) for language, table in TYPES.items() for name, key in table.items()],
)
def test_every_localised_type_maps_to_its_strava_type(language: str, name: str, key: str) -> None:
    assert strava_type_key(name) == key
    if normalise(name.upper()) == normalise(name):  # not Turkish ı, whose capital is I
        assert strava_type_key(f"  {name.upper()} ") == key  # case and spacing do not matter
    assert named_sport_family(name) == TYPE_FAMILIES[key]


def test_no_localised_type_or_month_means_two_things() -> None:
    seen: dict[str, str] = {}
    for table in TYPES.values():
        for name, key in table.items():
            assert seen.setdefault(normalise(name), key) == key, name
    months: dict[str, int] = {}
    for language, stems in MONTH_STEMS.items():
        assert sorted(stems) == list(range(1, 13)), language
        for month, words in stems.items():
            for word in words:
                assert len(word) >= 3
                assert months.setdefault(word, month) == month, (language, word)
