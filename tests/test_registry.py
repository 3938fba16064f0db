"""The registry: every mark the texts use resolves; unknown marks are errors that name the file and line."""

import re
import shutil

import pytest

from perr_graph.errors import ConfigError, RegistryError
from perr_graph.inputs.catalogue import SourceText, load_source, read_catalogue
from perr_graph.inputs.config import load_config, protocol_configs
from perr_graph.inputs.registry import Registry
from perr_graph.read.blocks import MatrixBlock
from perr_graph.read.protocol import read_protocol
from perr_graph.read.table import block_models
from support import project


@pytest.fixture(scope="module")
def registry():
    return Registry.load(project.REGISTRY)


def matrix_cells():
    """Every non-empty partner cell of every matrix block, read straight from the text (not through the reader)."""
    catalogue = read_catalogue(project.SOURCES / "catalogue.csv")
    for cfg_path in protocol_configs(project.PROTOCOLS):
        cfg = load_config(cfg_path, block_models())
        source = load_source(catalogue[cfg.id], project.SOURCES)
        for block in cfg.read:
            if not isinstance(block, MatrixBlock):
                continue
            header = source.line(block.header).split("\t")
            first_col = min(i for i, h in enumerate(header) if h.strip())
            for n in range(block.header + 1, block.lines[1] + 1):
                cells = source.line(n).split("\t")
                shift = block.shift.get(n, 0)
                cells = [""] * shift + cells
                for cell in cells[first_col:]:
                    if cell.strip():
                        yield cfg.id, n, cell.strip()


def test_every_mark_in_the_matrices_resolves(registry):
    seen = 0
    for pid, n, cell in matrix_cells():
        codes = re.sub(r"^[Xx](\s+|$)", "", cell)
        if not codes:
            continue
        found, unknown = registry.partner_aliases.split(codes, pid)
        assert unknown == [], f"{pid} line {n}: {cell!r}"
        assert found
        seen += 1
    assert seen > 50  # codes and names in the Autres columns, DRAC, ARS, EN, Département directions …


def test_scoped_aliases(registry):
    assert registry.partner_aliases.lookup("CAF", "voiron").target == "caf-isere"
    assert registry.partner_aliases.lookup("CAF", "montelimar").target == "caf-drome"
    assert registry.partner_aliases.lookup("Caf", "montelimar").target == "caf-drome"


def test_short_codes_match_case_exactly(registry):
    assert registry.partner_aliases.lookup("EN", "loriol") is not None
    assert registry.partner_aliases.lookup("en", "loriol") is None


def test_same_organisation_across_protocols_is_one_node(registry):
    for name in ("Région Auvergne-Rhône-Alpes", "Drôme Aménagement Habitat", "Agence Régionale de Santé"):
        targets = {
            registry.partner_aliases.search(name, pid)[0][0].target
            for pid in ("valence", "montelimar")
            if registry.partner_aliases.search(name, pid)
        }
        assert len(targets) == 1, name


def test_registry_references_are_checked(tmp_path):
    shutil.copytree(project.REGISTRY, tmp_path / "registry")
    p = tmp_path / "registry" / "aliases.csv"
    p.write_text(p.read_text(encoding="utf-8") + "Foo,,no-such-partner,\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Registry.load(tmp_path / "registry")
    assert "aliases.csv" in str(exc.value) and "no-such-partner" in str(exc.value)


def _mutated(tmp_path, pid, line, old, new):
    entry = read_catalogue(project.SOURCES / "catalogue.csv")[pid]
    lines = (project.SOURCES / entry.file).read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    f = tmp_path / entry.file
    f.write_text("\n".join(lines), encoding="utf-8")
    return SourceText.load(f)


def test_an_unknown_mark_is_an_error_with_file_and_line(tmp_path, registry):
    source = _mutated(tmp_path, "montelimar", 116, "\tPI\t", "\tZZQ\t")
    with pytest.raises(RegistryError) as exc:
        read_protocol(project.PROTOCOLS / "montelimar.toml", registry, source)
    assert str(exc.value).startswith(f"{source.path}:116: unknown partner mark 'ZZQ'")


def test_a_shifted_row_is_an_error_unless_acknowledged(tmp_path, registry):
    # line 138 shifted one cell left, as line 124 is in the real text
    source = _mutated(tmp_path, "montelimar", 138, "Prendre en compte le sentiment d'insécurité\t", "")
    with pytest.raises(Exception) as exc:
        read_protocol(project.PROTOCOLS / "montelimar.toml", registry, source)
    assert ":138: a mark stands in the text column" in str(exc.value)


def test_a_configured_quote_that_is_not_in_the_text_is_an_error(tmp_path, registry):
    source = _mutated(tmp_path, "valence", 124, "2 190", "2 191")
    with pytest.raises(Exception) as exc:
        read_protocol(project.PROTOCOLS / "valence.toml", registry, source)
    assert ":124: quote not found" in str(exc.value)
