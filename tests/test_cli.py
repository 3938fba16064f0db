"""The installed console script and the CLI's error handling."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perr_graph.cli import main


def perr_script() -> str:
    found = shutil.which("perr") or str(Path(sys.executable).parent / "perr")
    assert Path(found).exists(), "the console script 'perr' is not installed"
    return found


def test_console_script_help_lists_the_pipeline():
    out = subprocess.run([perr_script(), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    for command in ("build", "stats"):
        assert command in out.stdout


@pytest.mark.parametrize("command", ["build", "stats"])
def test_subcommand_help(command):
    out = subprocess.run([perr_script(), command, "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "usage: perr " + command in out.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b \n")
    assert main(["stats", "--data", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "broken.ttl" in err and "Traceback" not in err


def test_missing_file_is_exit_2(tmp_path, capsys):
    assert main(["stats", "--data", str(tmp_path / "nope.nq")]) == 2
    assert "file not found" in capsys.readouterr().err
