"""The typed protocol configuration: every documented key modelled, unknown keys refused, every mistake one line
with the file and the line of the key; one reader table, which the README's reader list matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perr_graph.errors import ConfigError
from perr_graph.inputs.config import Block, ProtocolConfig, load_config, protocol_configs
from perr_graph.inputs.tomllines import key_lines, line_of
from perr_graph.read import blocks
from perr_graph.read.table import READERS, block_models
from support import project

README = (project.PROTOCOLS / "README.md").read_text(encoding="utf-8")


def test_the_real_configurations_load():
    for path in protocol_configs(project.PROTOCOLS):
        cfg = load_config(path, block_models())
        assert cfg.id == path.stem and cfg.read
        assert all(isinstance(b, READERS[b.reader].block) for b in cfg.read)
        assert [b.number for b in cfg.read] == list(range(1, len(cfg.read) + 1))
        lines = path.read_text(encoding="utf-8").split("\n")
        assert all(lines[b.toml_line - 1].startswith("[[read]]") for b in cfg.read if b.toml_line)


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "demo.toml"
    f.write_text(text, encoding="utf-8")
    return f


BASE = """\
id = "demo"
source = "demo.txt"

[period]
end = 2022
line = 11
quote = "jusqu'en 2022"

[matrix]
marks = { X = { role = "chef-de-file", rule = "matrix-uppercase-lead" } }

[labels]
"EMPLOI" = { pillar = "developpement-economique-emploi", themes = ["emploi"] }

[[read]]
reader = "references"
lines = [23, 27]

[[read]]
reader = "matrix"
lines = [110, 124]
header = 113
shift = { 124 = 1 }
"""


def test_a_minimal_configuration_is_typed(tmp_path):
    cfg = load_config(write(tmp_path, BASE), block_models())
    assert isinstance(cfg, ProtocolConfig)
    assert cfg.period is not None and cfg.period.end == 2022 and cfg.period.start is None
    matrix = cfg.read[1]
    assert isinstance(matrix, blocks.MatrixBlock)
    assert matrix.shift == {124: 1} and matrix.group == "challenge" and matrix.lines == (110, 124)
    assert cfg.labels["EMPLOI"].themes == ["emploi"]


@pytest.mark.parametrize(
    "old,new,message,line",
    [
        ('source = "demo.txt"', 'source = "demo.txt"\ncolour = "blue"', "unknown key 'colour'", 3),
        ("end = 2022", "end = 2022\nbegin = 2020", "[period]: unknown key 'begin'", 6),
        ("line = 11", 'line = "11"', "[period]: line: input should be a valid integer", 6),
        ("header = 113", "header = 113\nheadr = 113", "[[read]] block 2: unknown key 'headr'", 23),
        ("header = 113\n", "", "[[read]] block 2: missing key 'header'", 19),
        ("lines = [110, 124]", "lines = [124, 110]", "[[read]] block 2: lines: must be [first, last]", 21),
        ('reader = "references"', 'reader = "referencs"', "[[read]] block 1: reader must be one of", 16),
        ("shift = { 124 = 1 }", 'shift = { "a" = 1 }', "[[read]] block 2, 'shift': a: input should be", 23),
        ("{ X = { role", '{ "P A" = { role', "[matrix], 'marks': P A: string should match pattern", 10),
        (
            'themes = ["emploi"]',
            'themes = "emploi"',
            "[labels], 'EMPLOI': themes: input should be a valid list",
            13,
        ),
        (
            "lines = [23, 27]",
            'lines = [23, 27]\nparty = "etat"',
            "[[read]] block 1: a block with a party needs role and rule",
            15,
        ),
        ('id = "demo"\n', "", "missing key 'id'", None),
    ],
)
def test_mistakes_name_the_file_and_line_of_the_key(tmp_path, old, new, message, line):
    assert old in BASE
    path = write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(ConfigError) as exc:
        load_config(path, block_models())
    text = str(exc.value)
    assert message in text and "\n" not in text, text
    assert exc.value.path == str(path) and exc.value.line == line, text


def test_key_lines_places_nested_and_multiline_values():
    text = (project.PROTOCOLS / "valence.toml").read_text(encoding="utf-8")
    index = key_lines(text)
    lines = text.split("\n")
    member = line_of(index, ("body", 0, "members", 1, "quote"))
    assert member and "Les représentants des Conseils Citoyens" in lines[member - 1]
    assert lines[line_of(index, ("read", 2)) - 1].startswith("[[read]]")
    assert lines[line_of(index, ("qpv", 5, "territory")) - 1] == 'territory = "quartier-est-romans"'
    assert line_of(index, ("lead_note",)) == 8
    assert line_of(index, ("nothing", "here")) is None


# --- one reader table, and the README says what the models say ---------------------------------------------


def test_each_reader_model_names_its_reader():
    for name, reader in READERS.items():
        assert reader.block.model_fields["reader"].annotation.__args__ == (name,)
        assert issubclass(reader.block, Block)


def _rows(section: str) -> list[list[str]]:
    body = README.split(section, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in body.split("\n") if line.startswith("| ") and not line.startswith("| -")]
    return [[c.strip() for c in row.strip("|").split(" | ")] for row in rows[1:]]


def _names(cell: str) -> set[str]:
    """Key names in a README cell: backticked words, without TOML brackets or values."""
    out = set()
    for token in re.findall(r"`([^`]+)`", cell):
        name = token.strip("[]").split("=")[0].strip()
        if re.fullmatch(r"[a-z_]+", name):
            out.add(name)
    return out


def test_the_readme_lists_exactly_the_top_level_keys():
    documented = set().union(*(_names(row[0]) for row in _rows("## Top-level keys")))
    assert documented == set(ProtocolConfig.model_fields)


def test_the_readme_lists_exactly_the_readers_and_their_keys():
    rows = _rows("## Readers (`[[read]]` blocks)")
    assert {re.sub(r"`", "", row[0]) for row in rows} == set(READERS)
    base = set(Block.model_fields)
    for row in rows:
        model = READERS[row[0].strip("`")].block
        documented = _names(row[2]) if len(row) > 2 else set()
        fields = set(model.model_fields)
        assert documented <= fields, (row[0], documented - fields)  # documented and read
        own = fields - base - {"pillar", "themes"}  # pillar and themes: documented for every heading
        assert own <= documented, (row[0], own - documented)  # read and documented
        if issubclass(model, blocks.Sectioned):
            assert row[0].strip("`") in README.split("gives `pillar` and `themes` itself")[1].split("\n")[0]
