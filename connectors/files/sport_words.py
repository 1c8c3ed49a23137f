"""The words for our sports in the languages Strava's interface speaks, for type names and names.

Two tables per language:
- `TYPES`: Strava's activity type as the export writes it in that language (`Lauf`, `Course à
  pied`, `ラン`) to Strava's own type key (`Run`); the key gives the family and sub-sport.
- `STEMS`: word beginnings that say a family (`laufen`, `course`, `hardlopen`), for types no
  table holds and for free-text names (`Lauf am Morgen`; German compounds by their last word,
  `Dauerlauf`). Scripts without spaces between words (Japanese, Chinese) match anywhere in the
  text, Korean per word.

The tables were written from Strava's interface wording in each language; a word that could
mean two sports is left out rather than guessed (the activity is then `unknown` or `other`,
and `ironmiles activity set-sport` corrects it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from connectors.records import SportFamily

# Strava's type key -> family (the API's types; what connectors/strava/mapping.py maps too).
TYPE_FAMILIES: Mapping[str, SportFamily] = {
    "Run": "run", "TrailRun": "run", "VirtualRun": "run",
    "Ride": "ride", "VirtualRide": "ride", "MountainBikeRide": "ride", "GravelRide": "ride",
    "EBikeRide": "ride", "EMountainBikeRide": "ride", "Handcycle": "ride", "Velomobile": "ride",
    "Walk": "walk", "Hike": "walk",
    "Swim": "swim",
    "WeightTraining": "strength", "Crossfit": "strength",
    "Workout": "other", "Yoga": "other", "Rowing": "other", "Elliptical": "other",
    "NordicSki": "other", "AlpineSki": "other", "StairStepper": "other",
}  # fmt: skip

# Strava's numeric activity types, as its GPX exports write them in `<trk><type>` (`9` a run).
STRAVA_TYPE_CODES: Mapping[str, str] = {
    "1": "Ride", "2": "AlpineSki", "3": "BackcountrySki", "4": "Hike", "5": "IceSkate",
    "6": "InlineSkate", "7": "NordicSki", "8": "RollerSki", "9": "Run", "10": "Walk",
    "11": "Workout", "12": "Snowboard", "13": "Snowshoe", "14": "Kitesurf", "15": "Windsurf",
    "16": "Swim", "17": "VirtualRide", "18": "EBikeRide", "19": "Velomobile", "21": "Canoeing",
    "22": "Kayaking", "23": "Rowing", "24": "StandUpPaddling", "25": "Surfing",
    "26": "Crossfit", "27": "Elliptical", "28": "RockClimbing", "29": "StairStepper",
    "30": "WeightTraining", "31": "Yoga", "51": "Handcycle", "52": "Wheelchair",
    "53": "VirtualRun",
}  # fmt: skip

TYPES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "Run": "Run", "Trail Run": "TrailRun", "Virtual Run": "VirtualRun", "Ride": "Ride",
        "Virtual Ride": "VirtualRide", "Mountain Bike Ride": "MountainBikeRide",
        "Gravel Ride": "GravelRide", "E-Bike Ride": "EBikeRide", "Walk": "Walk", "Hike": "Hike",
        "Swim": "Swim", "Weight Training": "WeightTraining", "Workout": "Workout",
        "Yoga": "Yoga", "Rowing": "Rowing", "Crossfit": "Crossfit", "Elliptical": "Elliptical",
    },
    "de": {
        "Lauf": "Run", "Traillauf": "TrailRun", "Virtueller Lauf": "VirtualRun",
        "Radfahrt": "Ride", "Virtuelle Radfahrt": "VirtualRide",
        "Mountainbike-Fahrt": "MountainBikeRide", "Gravel-Fahrt": "GravelRide",
        "E-Bike-Fahrt": "EBikeRide", "Spaziergang": "Walk", "Wanderung": "Hike",
        "Schwimmen": "Swim", "Krafttraining": "WeightTraining", "Training": "Workout",
        "Rudern": "Rowing",
    },
    "fr": {
        "Course à pied": "Run", "Course": "Run", "Trail": "TrailRun",
        "Course virtuelle": "VirtualRun", "Vélo": "Ride", "Sortie à vélo": "Ride",
        "Vélo virtuel": "VirtualRide", "VTT": "MountainBikeRide", "Vélo gravel": "GravelRide",
        "Vélo électrique": "EBikeRide", "Marche": "Walk", "Randonnée": "Hike",
        "Natation": "Swim", "Musculation": "WeightTraining", "Entraînement": "Workout",
        "Aviron": "Rowing",
    },
    "es": {
        "Carrera": "Run", "Carrera por montaña": "TrailRun", "Carrera virtual": "VirtualRun",
        "Bicicleta": "Ride", "Ciclismo": "Ride", "Bicicleta virtual": "VirtualRide",
        "Bicicleta de montaña": "MountainBikeRide", "Bicicleta de gravel": "GravelRide",
        "Bicicleta eléctrica": "EBikeRide", "Caminata": "Walk", "Senderismo": "Hike",
        "Excursionismo": "Hike", "Natación": "Swim",
        "Entrenamiento con pesas": "WeightTraining", "Entrenamiento": "Workout",
        "Remo": "Rowing",
    },
    "it": {
        "Corsa": "Run", "Trail running": "TrailRun", "Corsa virtuale": "VirtualRun",
        "Giro in bici": "Ride", "Giro in bici virtuale": "VirtualRide",
        "Giro in mountain bike": "MountainBikeRide", "Giro in gravel": "GravelRide",
        "Giro in e-bike": "EBikeRide", "Camminata": "Walk", "Escursione": "Hike",
        "Nuoto": "Swim", "Allenamento con i pesi": "WeightTraining",
        "Allenamento": "Workout", "Canottaggio": "Rowing",
    },
    "nl": {
        "Hardloopsessie": "Run", "Hardlopen": "Run", "Trailrun": "TrailRun",
        "Virtuele hardloopsessie": "VirtualRun", "Fietsrit": "Ride",
        "Virtuele fietsrit": "VirtualRide", "Mountainbikerit": "MountainBikeRide",
        "Gravelrit": "GravelRide", "E-bikerit": "EBikeRide", "Wandeling": "Walk",
        "Wandeltocht": "Hike", "Zwemmen": "Swim", "Krachttraining": "WeightTraining",
        "Roeien": "Rowing",
    },
    "pt": {
        "Corrida": "Run", "Corrida em trilha": "TrailRun", "Corrida virtual": "VirtualRun",
        "Pedalada": "Ride", "Ciclismo": "Ride", "Pedalada virtual": "VirtualRide",
        "Mountain bike": "MountainBikeRide", "Pedalada gravel": "GravelRide",
        "Bicicleta elétrica": "EBikeRide", "Caminhada": "Walk", "Trilha": "Hike",
        "Natação": "Swim", "Musculação": "WeightTraining", "Treino": "Workout",
        "Remo": "Rowing",
    },
    "ja": {
        "ラン": "Run", "ランニング": "Run", "トレイルラン": "TrailRun",
        "バーチャルラン": "VirtualRun", "ライド": "Ride", "バーチャルライド": "VirtualRide",
        "マウンテンバイクライド": "MountainBikeRide", "グラベルライド": "GravelRide",
        "E-Bikeライド": "EBikeRide", "ウォーク": "Walk", "ハイキング": "Hike", "スイム": "Swim",
        "水泳": "Swim", "ウェイトトレーニング": "WeightTraining", "ワークアウト": "Workout",
    },
    "zh": {
        "跑步": "Run", "越野跑": "TrailRun", "虚拟跑步": "VirtualRun", "虛擬跑步": "VirtualRun",
        "骑行": "Ride", "騎乘": "Ride", "騎車": "Ride", "虚拟骑行": "VirtualRide",
        "虛擬騎乘": "VirtualRide", "山地自行车骑行": "MountainBikeRide",
        "电动自行车骑行": "EBikeRide", "步行": "Walk", "徒步": "Hike", "健行": "Hike",
        "游泳": "Swim", "重量训练": "WeightTraining", "重量訓練": "WeightTraining",
        "锻炼": "Workout", "訓練": "Workout",
    },
    "ru": {
        "Забег": "Run", "Бег": "Run", "Трейлраннинг": "TrailRun",
        "Виртуальный забег": "VirtualRun", "Велозаезд": "Ride", "Заезд": "Ride",
        "Виртуальный велозаезд": "VirtualRide", "Прогулка": "Walk", "Ходьба": "Walk",
        "Поход": "Hike", "Заплыв": "Swim", "Плавание": "Swim",
        "Силовая тренировка": "WeightTraining", "Тренировка": "Workout", "Гребля": "Rowing",
    },
    "ko": {
        "달리기": "Run", "트레일 러닝": "TrailRun", "가상 달리기": "VirtualRun",
        "라이딩": "Ride", "자전거 타기": "Ride", "가상 라이딩": "VirtualRide", "걷기": "Walk",
        "하이킹": "Hike", "수영": "Swim", "웨이트 트레이닝": "WeightTraining", "운동": "Workout",
    },
    "pl": {
        "Bieg": "Run", "Bieg terenowy": "TrailRun", "Wirtualny bieg": "VirtualRun",
        "Jazda na rowerze": "Ride", "Wirtualna jazda na rowerze": "VirtualRide",
        "Spacer": "Walk", "Wędrówka": "Hike", "Pływanie": "Swim",
        "Trening siłowy": "WeightTraining", "Trening": "Workout", "Wioślarstwo": "Rowing",
    },
    "sv": {
        "Löpning": "Run", "Traillöpning": "TrailRun", "Virtuell löpning": "VirtualRun",
        "Cykeltur": "Ride", "Cykling": "Ride", "Virtuell cykeltur": "VirtualRide",
        "Promenad": "Walk", "Vandring": "Hike", "Simning": "Swim",
        "Styrketräning": "WeightTraining", "Träningspass": "Workout", "Rodd": "Rowing",
    },
    "da": {
        "Løb": "Run", "Trailløb": "TrailRun", "Virtuelt løb": "VirtualRun", "Cykeltur": "Ride",
        "Gåtur": "Walk", "Vandretur": "Hike", "Svømning": "Swim",
        "Styrketræning": "WeightTraining", "Roning": "Rowing",
    },
    "nb": {
        "Løping": "Run", "Terrengløp": "TrailRun", "Virtuell løping": "VirtualRun",
        "Sykkeltur": "Ride", "Gåtur": "Walk", "Fottur": "Hike", "Svømming": "Swim",
        "Styrketrening": "WeightTraining", "Roing": "Rowing",
    },
    "tr": {
        "Koşu": "Run", "Patika koşusu": "TrailRun", "Sanal koşu": "VirtualRun",
        "Bisiklet sürüşü": "Ride", "Sanal bisiklet sürüşü": "VirtualRide", "Yürüyüş": "Walk",
        "Doğa yürüyüşü": "Hike", "Yüzme": "Swim", "Ağırlık antrenmanı": "WeightTraining",
        "Antrenman": "Workout",
    },
}  # fmt: skip

# Word beginnings per family, per language. Checked in this order: strength first (a weight
# training "run" of sets is not a run), then run, ride, walk, swim.
STEMS: Mapping[str, Mapping[SportFamily, tuple[str, ...]]] = {
    "en": {"strength": ("strength", "weight"), "run": ("run", "jog", "treadmill"),
           "ride": ("bik", "cycl", "ride"), "walk": ("walk", "hik"), "swim": ("swim",)},
    "de": {"strength": ("kraft",), "run": ("lauf", "laufen", "jogg", "traillauf"),
           "ride": ("radfahr", "radtour", "rennrad", "fahrrad"),
           "walk": ("spazier", "wander", "gehen"), "swim": ("schwimm",)},
    "fr": {"strength": ("muscu",), "run": ("course", "courir", "footing"),
           "ride": ("vélo", "velo", "vtt", "cyclis"), "walk": ("marche", "randonn"),
           "swim": ("natation", "nage")},
    "es": {"strength": ("pesas", "fuerza"), "run": ("carrera", "correr", "trote"),
           "ride": ("bici", "ciclis"), "walk": ("camina", "sender", "excursi"),
           "swim": ("natación", "nadar")},
    "it": {"strength": ("pesi",), "run": ("corsa", "correre", "corri"),
           "ride": ("bici", "ciclis"), "walk": ("cammin", "escurs"), "swim": ("nuot",)},
    "nl": {"strength": ("kracht",), "run": ("hardloop", "hardlop"), "ride": ("fiets",),
           "walk": ("wandel",), "swim": ("zwem",)},
    "pt": {"strength": ("muscula",), "run": ("corrida", "correr"),
           "ride": ("pedal", "bicicleta"), "walk": ("caminh",), "swim": ("natação", "nadar")},
    "ja": {"strength": ("ウェイト", "筋トレ"), "run": ("ランニング", "ラン", "ジョギング"),
           "ride": ("ライド", "サイクリング"),
           "walk": ("ウォーク", "ウォーキング", "ハイキング", "散歩"),
           "swim": ("スイム", "水泳")},
    "zh": {"strength": ("重量", "力量"), "run": ("跑",), "ride": ("骑", "騎", "自行车"),
           "walk": ("步行", "徒步", "健行", "远足"), "swim": ("游泳",)},
    "ru": {"strength": ("силов",), "run": ("бег", "забег", "пробежк"),
           "ride": ("вело", "заезд"), "walk": ("прогул", "ходьб", "поход"),
           "swim": ("плаван", "заплыв")},
    "ko": {"strength": ("웨이트", "근력"), "run": ("달리기", "러닝", "조깅"),
           "ride": ("라이딩", "자전거"), "walk": ("걷기", "하이킹", "산책"), "swim": ("수영",)},
    "pl": {"strength": ("siłow",), "run": ("bieg",), "ride": ("rower",),
           "walk": ("spacer", "wędrów"), "swim": ("pływan",)},
    "sv": {"strength": ("styrk",), "run": ("löp", "jogg"), "ride": ("cykel", "cykl"),
           "walk": ("promenad", "vandr"), "swim": ("simn",)},
    "da": {"strength": ("styrke",), "run": ("løb",), "ride": ("cykel", "cykl"),
           "walk": ("gåtur", "vandre"), "swim": ("svøm",)},
    "nb": {"strength": ("styrke",), "run": ("løp",), "ride": ("sykkel", "sykl"),
           "walk": ("gåtur", "fottur"), "swim": ("svøm",)},
    "tr": {"strength": ("ağırlık",), "run": ("koşu",), "ride": ("bisiklet",),
           "walk": ("yürüy",), "swim": ("yüzme",)},
}  # fmt: skip

# German joins words: `Dauerlauf`, `Abendlauf` end with the word that says the sport.
_WORD_ENDINGS: Mapping[SportFamily, tuple[str, ...]] = {"run": ("lauf",), "ride": ("radtour",)}
_FAMILY_ORDER: tuple[SportFamily, ...] = ("strength", "run", "ride", "walk", "swim")
# Scripts written without spaces between words: their stems match anywhere in the text.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Case-folded, compatibility-normalised text (full-width forms, ligatures) for lookups."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_TYPE_LOOKUP: dict[str, str] = {
    normalise(name): key for table in TYPES.values() for name, key in table.items()
}
_STEMS_BY_FAMILY: dict[SportFamily, tuple[str, ...]] = {
    family: tuple(
        sorted({normalise(stem) for stems in STEMS.values() for stem in stems.get(family, ())})
    )
    for family in _FAMILY_ORDER
}


def strava_type_key(type_name: str | None) -> str | None:
    """Strava's type key (`Run`) for a type name in any language (`Lauf`, `ラン`) or for Strava's
    numeric code (`9`, as its GPX files write it); None if unknown.

    An English type key itself (`TrailRun`, as the API and newer exports write it) is a key.
    """
    if not type_name:
        return None
    stripped = type_name.strip()
    if stripped in TYPE_FAMILIES:
        return stripped
    if stripped in STRAVA_TYPE_CODES:
        return STRAVA_TYPE_CODES[stripped]
    return _TYPE_LOOKUP.get(normalise(type_name))


def family_from_words(text: str | None) -> SportFamily | None:
    """The family a word in `text` names (`Morning Run`, `Course du soir`, `朝の跑步`), or None."""
    if not text:
        return None
    folded = normalise(text)
    words = [word for word in re.split(r"[^\w]+", folded) if word]
    # CamelCase types and snake_case slugs (`TrailRun`, `trail_run`) are words too.
    words += [part for part in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", text.strip()) if part]
    words = [normalise(word) for word in words]
    unspaced = bool(_UNSPACED.search(folded))
    for family in _FAMILY_ORDER:
        for stem in _STEMS_BY_FAMILY[family]:
            if _UNSPACED.search(stem):
                if unspaced and stem in folded:
                    return family
            elif any(word.startswith(stem) for word in words):
                return family
        if any(word.endswith(ending) for word in words for ending in _WORD_ENDINGS.get(family, ())):
            return family
    return None
