"""`imbplus anonymize` as a user runs it: a release and its report, or one line and exit 2
with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imbplus.cli import app
from tests.anonymize.conftest import TEN


def _write(path: Path, data: dict[str, list[str]], delimiter: str = ",") -> Path:
    lines = [delimiter.join(data)]
    lines += [delimiter.join(row) for row in zip(*data.values(), strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        [*args, "--out", str(tmp_path / "out.csv"), "--report", str(tmp_path / "r.json")],
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def hierarchy_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "hier"
    folder.mkdir()
    (folder / "city.csv").write_text(
        "Kraków;małopolskie;*\nTarnów;małopolskie;*\nGdańsk;pomorskie;*\nGdynia;pomorskie;*\n",
        encoding="utf-8",
    )
    return folder


def test_p06_cli_writes_the_release_and_its_report(tmp_path: Path, hierarchy_dir: Path) -> None:
    source = _write(tmp_path / "in.csv", TEN, delimiter=";")
    code, out, err = _run(
        tmp_path, "anonymize", str(source), "--quasi", "age,city", "--sensitive", "plan",
        "--k", "2", "--suppress", "0.2", "--drop", "name", "--hierarchies", str(hierarchy_dir),
        "-q",
    )  # fmt: skip
    assert code == 0, err
    assert "released 8 of 10 rows (2 suppressed)" in out
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].replace('"', "") == "age;city;plan"  # the input's delimiter and order
    assert lines[1].replace('"', "") == "20-24;Kraków;basic"
    assert len(lines) == 9
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["requested"] == {"k": 2, "l": None, "t": None, "suppression_limit": 0.2}
    assert report["rows"] == {"in": 10, "out": 8, "suppressed": 2}
    assert report["generalization"]["city"]["hierarchy"] == "file"
    assert report["dropped"] == ["name"]
    assert {"prosecutor", "journalist", "marketer"} <= set(report["risk"])
    assert {"lattice_nodes", "nodes_evaluated", "seconds"} <= set(report["search"])
    assert not list(tmp_path.glob(".*.tmp"))


def _refused(tmp_path: Path, source: Path, *args: str) -> str:
    code, _, err = _run(tmp_path, "anonymize", str(source), *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "r.json").exists()
    assert not list(tmp_path.glob(".*.tmp"))
    return err


def test_p06_cli_unknown_column(tmp_path: Path) -> None:
    err = _refused(tmp_path, _write(tmp_path / "in.csv", TEN), "--quasi", "age,town")
    assert "unknown column 'town'" in err


@pytest.mark.parametrize(
    ("k", "message"), [("11", "larger than the table (10 rows)"), ("1", "k must be at least 2")]
)
def test_p06_cli_k_out_of_range(tmp_path: Path, k: str, message: str) -> None:
    err = _refused(tmp_path, _write(tmp_path / "in.csv", TEN), "--quasi", "age", "--k", k)
    assert message in err


def test_p06_cli_hierarchy_that_misses_a_value(tmp_path: Path, hierarchy_dir: Path) -> None:
    data = {**TEN, "city": [*TEN["city"][:9], "Sopot"]}
    err = _refused(
        tmp_path, _write(tmp_path / "in.csv", data), "--quasi", "age,city", "--k", "2",
        "--hierarchies", str(hierarchy_dir),
    )  # fmt: skip
    assert "column 'city' does not cover the value 'Sopot'" in err


def test_p06_cli_empty_file(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("")
    assert "in.csv is empty" in _refused(tmp_path, source, "--quasi", "age")


def test_p06_cli_file_not_utf8(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("age,city\n30,Kraków\n".encode("cp1250"))
    assert "is not UTF-8" in _refused(tmp_path, source, "--quasi", "age")


def test_p06_cli_no_anonymous_node_within_the_budget(tmp_path: Path) -> None:
    folder = tmp_path / "hier"
    folder.mkdir()
    (folder / "city.csv").write_text("Kraków;Kraków\nTarnów;Tarnów\nGdańsk;Gdańsk\nGdynia;Gdynia\n")
    data = {"city": ["Kraków"] * 5 + ["Tarnów"] * 4 + ["Gdańsk"]}
    err = _refused(
        tmp_path, _write(tmp_path / "in.csv", data), "--quasi", "city", "--k", "2",
        "--suppress", "0", "--hierarchies", str(folder),
    )  # fmt: skip
    assert "no generalization satisfies k=2 within the suppression budget of 0 rows" in err


def test_p06_cli_l_larger_than_the_sensitive_values(tmp_path: Path) -> None:
    err = _refused(
        tmp_path, _write(tmp_path / "in.csv", TEN), "--quasi", "age", "--sensitive", "plan",
        "--k", "2", "--l", "4",
    )  # fmt: skip
    assert "l=4 is larger than the 3 distinct values of the sensitive column 'plan'" in err


def test_p06_cli_missing_input_file(tmp_path: Path) -> None:
    assert "No such file" in _refused(tmp_path, tmp_path / "nope.csv", "--quasi", "age")


def test_p06_cli_reads_a_comma_file_with_bom_and_quotes(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    rows = "".join(f'"Nowak, {i}",{age},Kraków\n' for i, age in enumerate(["31", "32", "33", "34"]))
    source.write_bytes(b"\xef\xbb\xbf" + f"name,age,city\n{rows}".encode())
    code, _, err = _run(tmp_path, "anonymize", str(source), "--quasi", "age", "--k", "2", "-q")
    assert code == 0, err
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].replace('"', "") == "name,age,city"
    assert lines[1] == '"Nowak, 0","30-34","Kraków"'
