"""Installed like any tool: the wheel, installed in a fresh virtual environment outside the checkout, works from
an empty folder (issue 13). Slow: it builds the wheel once per session and installs it with its dependencies
from the package index; skipped, with the reason, only when the index cannot be reached."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import project

pytestmark = pytest.mark.slow

#: what the wheel is built from (a copy: building writes build/ and *.egg-info beside the sources)
PROJECT_FILES = ("pyproject.toml", "README.md", "perr.toml", "src", "ontology", "queries", "data")
UNREACHABLE = (
    "Could not find a version",
    "No matching distribution",
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Failed to establish a new connection",
    "ProxyError",
)


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    # umask 022, as on most machines: the files written must come out 0644
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, umask=0o022)


def _commitments(nq: Path) -> set[str]:
    """The IRIs of the commitments the N-Quads file types ``perr:Commitment``."""
    typed = re.compile(
        r"^<(https://w3id.org/perr-graph/id/[^>]+)> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        r"<https://w3id.org/perr-graph/ontology#Commitment> "
    )
    return {m.group(1) for line in nq.read_text("utf-8").splitlines() if (m := typed.match(line))}


def _checked(done: subprocess.CompletedProcess, what: str) -> None:
    if done.returncode != 0:
        output = done.stdout + done.stderr
        if any(marker in output for marker in UNREACHABLE):
            pytest.skip(
                f"the package index is unreachable, so {what} cannot be tested: {output.strip()[-300:]}"
            )
        raise AssertionError(f"{what} failed:\n{output[-3000:]}")


@pytest.fixture(scope="session")
def clean_env() -> dict[str, str]:
    """The environment of a new user: no PERR_HOME, no virtual environment of ours on the PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PERR_HOME", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


@pytest.fixture(scope="session")
def installed(tmp_path_factory, clean_env) -> Path:
    """The ``perr`` script of the wheel, installed in a fresh virtual environment (both in a temporary folder)."""
    work = tmp_path_factory.mktemp("install")
    copy = work / "project"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in PROJECT_FILES:
        src = project.ROOT / name
        if src.is_dir():
            shutil.copytree(src, copy / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(src, copy / name)
    wheels = work / "wheels"
    _checked(
        _run(
            [sys.executable, "-m", "pip", "wheel", str(copy), "-w", str(wheels), "--no-deps", "-q"],
            work,
            clean_env,
        ),
        "building the wheel",
    )
    (wheel,) = wheels.glob("perr_graph-*.whl")
    venv = work / "venv"
    _checked(_run([sys.executable, "-m", "venv", str(venv)], work, clean_env), "making a virtual environment")
    _checked(
        _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], work, clean_env),
        "installing the wheel",
    )
    return venv / "bin" / "perr"


def test_the_wheel_carries_the_resources(installed):
    site = next(installed.parent.parent.glob("lib/python*/site-packages/perr_graph/resources"))
    for part in ("ontology/perr.ttl", "ontology/shapes/protocol.ttl", "queries/01-who-leads-what.rq"):
        assert (site / part).is_file() and not (site / part).is_symlink(), part
    assert (site / "corpus" / "perr.toml").is_file()
    assert len(list((site / "corpus" / "data" / "sources").glob("*.txt"))) == 5
    assert (site.parent / "serve" / "static" / "index.html").is_file()
    assert (site.parent / "serve" / "static" / "query.js").is_file()
    assert (site.parent / "serve" / "templates" / "query.html.j2").is_file()
    from perr_graph.serve.pages import yasgui_vendored

    if yasgui_vendored():  # copied into the checkout by scripts/vendor-npm.sh: the wheel carries it
        assert (site.parent / "serve" / "static" / "yasgui" / "yasgui.min.js").is_file()
    from perr_graph.report.downloads import XLSX_SCRIPT

    assert (site.parent / "report" / "templates" / "tables.js").is_file()
    if XLSX_SCRIPT.is_file():  # copied into the checkout by scripts/vendor-npm.sh: the wheel carries it
        assert (site.parent / "report" / "static" / "write-excel-file" / XLSX_SCRIPT.name).is_file()


def test_from_an_empty_folder(installed, clean_env, tmp_path, dataset_nq):
    """From an empty folder with no environment variable: the library lists, the bundled five build into ./dist
    (byte for byte the checkout's build), a query answers; then a new corpus is made and built."""
    here = tmp_path / "empty"
    here.mkdir()
    done = _run([str(installed), "--version"], here, clean_env, 120)
    assert done.returncode == 0 and "bundled with perr-graph" in done.stdout, done.stderr
    done = _run([str(installed), "query", "--list"], here, clean_env, 120)
    assert done.returncode == 0 and "who-leads-what" in done.stdout and "protocol-stats" in done.stdout, (
        done.stderr
    )
    done = _run([str(installed), "build"], here, clean_env, 300)
    assert done.returncode == 0, done.stderr
    assert (here / "dist" / "perr.nq").read_bytes() == dataset_nq.read_bytes()
    done = _run(
        [str(installed), "query", "who-leads-what", "--format", "csv", "--max-rows", "0"],
        here,
        clean_env,
        300,
    )
    assert done.returncode == 0, done.stderr[-500:]
    answered = {row["commitment"] for row in csv.DictReader(io.StringIO(done.stdout))}
    assert answered == _commitments(dataset_nq)  # every commitment of the five, once or more
    done = _run([str(installed), "validate", "--summary"], here, clean_env, 600)
    assert done.returncode == 0 and "5 protocol" in done.stdout, done.stdout[-800:] + done.stderr[-800:]
    done = _run([str(installed), "report", "-q"], here, clean_env, 900)
    assert done.returncode == 0, done.stderr[-800:]
    assert (here / "dist" / "report" / "index.html").is_file()
    assert oct((here / "dist" / "report" / "index.html").stat().st_mode & 0o777) == "0o644"
    done = _run([str(installed), "init", "mycorpus", "--with-examples"], here, clean_env, 120)
    assert done.returncode == 0, done.stderr
    corpus = here / "mycorpus"
    done = _run([str(installed), "build", "-q"], corpus, clean_env, 300)
    assert done.returncode == 0, done.stderr
    assert project.without_description(
        (corpus / "dist" / "perr.nq").read_bytes()
    ) == project.without_description(dataset_nq.read_bytes())
    done = _run([str(installed), "stats"], corpus, clean_env, 300)
    assert done.returncode == 0 and done.stderr.startswith("corpus 'mycorpus'"), done.stderr


def test_a_new_corpus_with_a_protocol_of_ones_own(installed, clean_env, tmp_path):
    """perr init, then perr add of the sixth protocol (tests/fixtures/sixth), then perr build, with the installed
    wheel: the new protocol reaches the graph with no line of code."""
    here = tmp_path / "empty"
    here.mkdir()
    done = _run([str(installed), "init", "aubrelle"], here, clean_env, 120)
    assert done.returncode == 0, done.stderr
    corpus = here / "aubrelle"
    sixth = project.ROOT / "tests" / "fixtures" / "sixth" / "source.txt"
    done = _run([str(installed), "add", str(sixth), "--id", "aubrelle"], corpus, clean_env, 300)
    assert done.returncode == 0, done.stderr[-800:]
    done = _run([str(installed), "build"], corpus, clean_env, 300)
    assert done.returncode == 0, done.stderr[-800:]
    assert "built 1 protocol" in done.stdout + done.stderr
    nq = (corpus / "dist" / "perr.nq").read_text("utf-8")
    assert "/id/protocol/aubrelle/commitment/L114>" in nq
    assert oct((corpus / "dist" / "perr.nq").stat().st_mode & 0o777) == "0o644"
