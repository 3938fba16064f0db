"""Bad configuration or registry input: one clear line with the file (and line), exit code 2, no output written."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perr_graph import resources
from perr_graph.errors import ConfigError, PerrError
from perr_graph.inputs.catalogue import load_source, read_catalogue
from perr_graph.inputs.ontology import concept_slugs, ontology_graph
from perr_graph.inputs.registry import Registry
from perr_graph.read.protocol import read_protocol
from support import project

REGISTRY = Registry.load(project.REGISTRY)
CONCEPTS = concept_slugs(ontology_graph(resources.ontology()))
CATALOGUE = read_catalogue(project.SOURCES / "catalogue.csv")


def source(pid: str):
    return load_source(CATALOGUE[pid], project.SOURCES)


def config_with(tmp_path, pid, old, new) -> Path:
    text = (project.PROTOCOLS / f"{pid}.toml").read_text(encoding="utf-8")
    assert old in text
    f = tmp_path / f"{pid}.toml"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            'party = "@signatories"',
            'party = "nobody-known"',
            "partner (data/registry/partners.csv) 'nobody-known' is not",
        ),
        (
            'role = "chef-de-file", rule = "matrix-uppercase-lead"',
            'role = "chef-de-fil", rule = "matrix-uppercase-lead"',
            "role concept (ontology/vocabularies.ttl) 'chef-de-fil' is not defined",
        ),
        (
            'territory = "nocaze"',
            'territory = "nocazz"',
            "territory 'nocazz' is not in data/registry/territories.csv",
        ),
        ('reader = "signature-for"', 'reader = "signature-four"', "reader must be one of"),
        ("header = 113", "header = 9999", "a matrix block needs header"),
        ('"EMPLOI" = {', '"EMPLOIS" = {', "label 'EMPLOI' is not mapped"),
    ],
)
def test_configuration_mistakes_point_at_their_line(tmp_path, old, new, message):
    cfg = config_with(tmp_path, "montelimar", old, new)
    with pytest.raises(PerrError) as exc:
        read_protocol(cfg, REGISTRY, source("montelimar"), concepts=CONCEPTS)
    text = str(exc.value)
    assert message in text and "\n" not in text
    assert text.startswith((str(cfg), str(project.SOURCES)))
    if text.startswith(str(cfg)):
        line = int(text.split(":")[1])
        assert (
            new.split(" = ")[0].strip('"') in cfg.read_text().split("\n")[line - 1]
            or "[[read]]" in cfg.read_text().split("\n")[line - 1]
        )


def test_toml_syntax_error_is_reported(tmp_path):
    cfg = config_with(tmp_path, "montelimar", "lines = [110, 124]", "lines = [110, 124")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_protocol(cfg, REGISTRY, source("montelimar"))


@pytest.mark.parametrize(
    "file,append,message",
    [
        ("partners.csv", "x,y\n", "partners.csv:"),
        ("aliases.csv", "Foo,,ghost,\n", "partner 'ghost' is not in the registry"),
        ("territories.csv", "t,T,planet,,\n", "unknown territory type 'planet'"),
    ],
)
def test_registry_mistakes(tmp_path, file, append, message):
    reg = tmp_path / "registry"
    shutil.copytree(project.REGISTRY, reg)
    (reg / file).write_text((reg / file).read_text(encoding="utf-8") + append, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Registry.load(reg)
    assert message in str(exc.value) and file in str(exc.value)


def test_cli_build_with_a_broken_project_exits_2_and_writes_nothing(tmp_path):
    home = tmp_path / "home"
    for folder in ("data", "ontology"):
        shutil.copytree(project.ROOT / folder, home / folder)
    cfg = home / "data" / "protocols" / "montelimar.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('reader = "matrix"', 'reader = "matrices"', 1))
    out = tmp_path / "out"
    env = dict(os.environ, PERR_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-m", "perr_graph.cli", "build", "-q", "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert (
        done.stderr.count("\n") == 1 and "montelimar.toml:" in done.stderr and "Traceback" not in done.stderr
    )
    assert not out.exists()
