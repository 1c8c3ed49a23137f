from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

FIT_DIRS = (
    "garmin-fit_garth",
    "garmin-fit_jarkko-fit-analyzer",
    "garmin-fit_python-fitparse",
    "garmin-fit_sports-lib",
)


def real_fit_files(shared_data: Path) -> list[Path]:
    files = sorted(path for folder in FIT_DIRS for path in (shared_data / folder).glob("*.fit"))
    assert len(files) == 14, "INVENTORY §2.1 lists 14 FIT files"
    return files


@pytest.fixture(scope="session")
def fit_files(shared_data: Path) -> list[Path]:
    return real_fit_files(shared_data)


@dataclass(frozen=True)
class InventorySet:
    message_number: int
    first_category: str | None
    exercise_name: str | None
    reps: int | None
    weight_kg: float | None


def _cell(text: str) -> str | None:
    text = text.strip()
    return None if text in {"None", "-", ""} else text


def inventory_active_sets(shared_data: Path) -> dict[str, list[InventorySet]]:
    """INVENTORY.md §2.5: the active sets of each strength file, as the inventory decoded them."""
    text = (shared_data / "INVENTORY.md").read_text(encoding="utf-8")
    section = text[text.index("### 2.5") : text.index("## 3.")]
    result: dict[str, list[InventorySet]] = {}
    for block in re.split(r"^#### ", section, flags=re.MULTILINE)[1:]:
        file_name = re.match(r"`([^`]+)`", block)
        active = re.search(r"(\d+) active", block)
        assert file_name
        assert active
        rows = []
        for line in block.splitlines():
            cells = line.split("|")[1:-1]
            if len(cells) != 7 or not cells[0].strip().isdigit():
                continue
            category = _cell(cells[3])
            rows.append(
                InventorySet(
                    message_number=int(cells[0]),
                    first_category=category.split(" ")[0] if category else None,
                    exercise_name=_cell(cells[4]),
                    reps=int(cells[5]) if _cell(cells[5]) else None,
                    weight_kg=float(cells[6]) if _cell(cells[6]) else None,
                )
            )
        assert len(rows) == int(active.group(1)), f"{file_name.group(1)}: table rows vs header"
        result[file_name.group(1)] = rows
    assert len(result) == 4
    return result
