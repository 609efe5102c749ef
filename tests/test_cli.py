"""The command line: a thin shell over the API, with helpful --help and meaningful exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kgtool.cli import main

DATA = Path(__file__).parent / "data"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgtool.cli", *args], capture_output=True, text=True)


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "load", "import", "reason", "export", "info", "ontology"):
        assert command in result.stdout
    assert "examples:" in result.stdout


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: kgtool" in capsys.readouterr().out


def test_missing_file_is_an_input_error_on_stderr(tmp_path):
    result = run("import", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert "kgtool: error:" in result.stderr and "nope.csv: no such file" in result.stderr
    assert result.stdout == ""


def test_import_export_info_on_a_persistent_store(tmp_path, capsys):
    store = tmp_path / "db"
    assert main(["import", str(DATA / "csvw" / "orgs.csv-metadata.json"), "--store", str(store), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary[0]["rows_loaded"] == 3 and summary[0]["rows_rejected"] == 1
    assert summary[0]["rejected"][0]["row"] == 4
    assert main(["info", "--store", str(store), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["organizations"] == 3
    out = tmp_path / "g.nt"
    assert main(["export", "--store", str(store), "-f", "nt", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("https://w3id.org/kgtool/ont#Organization") == 3


def test_ontology_command_lists_modules(capsys):
    assert main(["ontology"]) == 0
    out = capsys.readouterr().out
    for module in ("core.ttl", "sectors.ttl", "legal-forms.ttl", "services.ttl"):
        assert module in out


@pytest.mark.slow
def test_demo_writes_graph_and_summary(tmp_path):
    result = run("demo", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 10_000
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["reasoning"]["consistent"] is True
    assert summary["summary"]["organizations"] >= 30
    assert "organisations by sector" in result.stdout
