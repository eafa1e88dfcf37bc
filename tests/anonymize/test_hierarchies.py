"""Built-in hierarchies chosen by a column's values, and ARX-format hierarchy files."""

from __future__ import annotations

from pathlib import Path

import pytest

from imbplus.anonymize import AnonymizationError, anonymize, detect, load_dir, read_arx, write_arx
from imbplus.anonymize.postal import VOIVODESHIPS, voivodeship
from tests.anonymize.conftest import TEN


def test_ages_go_to_bands_of_5_10_20_then_star() -> None:
    ages = detect(["17", "34", "90"])
    assert ages.kind == "integer bands"
    assert ages.generalize("37") == ("35-39", "30-39", "20-39", "*")


def test_polish_postal_codes_go_to_sector_area_voivodeship() -> None:
    codes = detect(["00-950", "30-001", "80-180"])
    assert codes.level_names == ("code", "NN-N**", "NN-***", "voivodeship", "*")
    assert codes.generalize("30-001") == ("30-0**", "30-***", "małopolskie", "*")
    assert codes.generalize("00-950")[2] == "mazowieckie"
    assert codes.generalize("80-180")[2] == "pomorskie"
    assert voivodeship("61-001") == "wielkopolskie"
    assert voivodeship("79-000").startswith("okręg 7")  # unused prefix: its district
    assert len(VOIVODESHIPS) == 99


def test_iso_dates_go_to_month_quarter_year() -> None:
    days = detect(["2025-02-14", "2024-11-30"])
    assert days.generalize("2025-08-14") == ("2025-08", "2025-Q3", "2025", "*")


def test_other_numbers_and_categories() -> None:
    amounts = detect(["1200.5", "48000", "15000"])
    assert amounts.kind == "number bands"
    assert amounts.generalize("15000")[-1] == "*"
    assert detect(["red", "blue"]).generalize("red") == ("*",)


def test_arx_file_round_trip_and_use(tmp_path: Path) -> None:
    (tmp_path / "city.csv").write_text(
        "Kraków;małopolskie;Polska;*\nTarnów;małopolskie;Polska;*\n"
        "Gdańsk;pomorskie;Polska;*\nGdynia;pomorskie;Polska;*\n",
        encoding="utf-8",
    )
    found = load_dir(tmp_path, ["age", "city"])
    assert list(found) == ["city"]
    assert found["city"].height == 3
    write_arx(tmp_path / "copy.csv", found["city"], ["Kraków", "Gdynia"])
    assert (tmp_path / "copy.csv").read_text(encoding="utf-8").splitlines() == [
        "Kraków;małopolskie;Polska;*",
        "Gdynia;pomorskie;Polska;*",
    ]
    result = anonymize(TEN, ["age", "city"], k=2, hierarchies=found, suppress=0)
    assert result.report["generalization"]["city"]["hierarchy"] == "file"


def test_arx_file_that_is_not_a_tree_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "city.csv"
    path.write_text("Kraków;south;*\nTarnów;south;*\nGdańsk;north;*\nGdynia;north;x\n")
    with pytest.raises(AnonymizationError, match="'north' at level 1 generalizes both"):
        read_arx(path)


def test_arx_file_with_ragged_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "city.csv"
    path.write_text("Kraków;south;*\nGdańsk;*\n")
    with pytest.raises(AnonymizationError, match="different numbers of levels"):
        read_arx(path)
