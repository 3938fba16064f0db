"""The readers never crash: on random and mutated inputs they either read or raise the project's own error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perr_graph.errors import PerrError
from perr_graph.inputs.catalogue import SourceText, read_catalogue
from perr_graph.inputs.registry import Registry
from perr_graph.read.protocol import read_protocol
from support import project

REGISTRY = Registry.load(project.REGISTRY)
CATALOGUE = read_catalogue(project.SOURCES / "catalogue.csv")
TEXTS = {
    pid: (project.SOURCES / e.file).read_text(encoding="utf-8").split("\n") for pid, e in CATALOGUE.items()
}

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def read_lines(tmp_path, pid, lines):
    f = tmp_path / CATALOGUE[pid].file
    f.write_text("\n".join(lines), encoding="utf-8")
    try:
        source = SourceText.load(f)
        read_protocol(project.PROTOCOLS / f"{pid}.toml", REGISTRY, source)
    except PerrError as exc:
        assert str(exc)  # a one-line message, with the file when it concerns one
        assert "\n" not in str(exc)


mutation = st.tuples(
    st.sampled_from(["drop", "duplicate", "shift", "char", "swap-case", "truncate"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)


@pytest.mark.parametrize("pid", sorted(CATALOGUE))
@SETTINGS
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_real_texts_read_or_fail_cleanly(tmp_path, pid, mutations):
    lines = list(TEXTS[pid])
    for kind, a, b in mutations:
        i = a % len(lines)
        if kind == "drop":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "shift":  # a cell shifted: a tab added or removed
            if "\t" in lines[i] and b % 2:
                lines[i] = lines[i].replace("\t", "", 1)
            else:
                lines[i] = "\t" + lines[i]
        elif kind == "char" and lines[i]:
            j = b % len(lines[i])
            lines[i] = lines[i][:j] + chr(32 + b % 500) + lines[i][j + 1 :]
        elif kind == "swap-case":
            lines[i] = lines[i].swapcase()
        elif kind == "truncate":
            lines = lines[: max(1, i)]
    read_lines(tmp_path, pid, lines)


@SETTINGS
@given(text=st.text(max_size=2000))
def test_random_text_fails_cleanly(tmp_path, text):
    read_lines(tmp_path, "montelimar", text.split("\n"))


def test_wrong_encoding_is_a_clear_error(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Montélimar\n".encode("latin-1"))
    with pytest.raises(PerrError) as exc:
        SourceText.load(f)
    assert str(exc.value) == f"{f}:1: not UTF-8 text (convert it to UTF-8 first)"


def test_empty_file_is_a_clear_error(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    with pytest.raises(PerrError, match="source text is empty"):
        SourceText.load(f)
