"""Terminal output (perr_graph.terminal): tables fit a width without cutting numbers, wide tables are cut into
blocks of columns, the width comes from --width, COLUMNS or the terminal, and progress bars stay silent when
standard error is not a terminal or with --quiet."""

from __future__ import annotations

import io

from perr_graph.terminal import Progress, render, shorten, terminal_width

ROWS = [["Caisse d'allocations familiales de la Drôme", 123456, "texte " * 30, 12.5]] * 4


def widths(text: str) -> list[int]:
    return [len(line) for line in text.splitlines()]


def test_a_table_fits_the_width_and_keeps_its_numbers():
    text = render(["partner", "n", "text", "share"], ROWS, width=60)
    assert max(widths(text)) <= 60
    assert "123456" in text and "12.5" in text and "…" in text


def test_no_limit_keeps_the_natural_width():
    text = render(["partner", "n", "text", "share"], ROWS, max_width=500, width=0)
    assert "texte " * 29 in text


def test_a_table_too_wide_is_cut_into_blocks_repeating_the_first_column():
    header = ["territory", *(f"p{i:02d}" for i in range(40))]
    text = render(header, [["Valence Romans Agglo", *range(40)]], width=50)
    blocks = text.split("\n\n")
    assert len(blocks) > 2 and max(widths(text)) <= 50
    assert all(b.startswith("territory") for b in blocks)
    assert all(f"p{i:02d}" in text for i in range(40))


def test_width_comes_from_the_option_then_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "90")
    assert terminal_width(70) == 70 and terminal_width() == 90
    monkeypatch.delenv("COLUMNS")
    assert terminal_width() is None  # standard output is not a terminal under pytest


def test_shorten():
    assert shorten("abcdef", 4) == "abc…" and shorten("abc", 4) == "abc"


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_when_not_a_terminal_or_quiet():
    for stream, quiet in ((io.StringIO(), False), (FakeTTY(), True)):
        with Progress(quiet=quiet, stream=stream) as progress:
            task = progress.task("work", total=3)
            for _ in range(3):
                progress.advance(task)
            progress.done(task)
        assert stream.getvalue() == ""


def test_progress_shows_on_a_terminal():
    stream = FakeTTY()
    with Progress(stream=stream) as progress:
        task = progress.task("Pages", total=2)
        progress.advance(task)
        progress.done(task)
    assert progress.enabled


def test_perr_query_tables_fit_columns_or_width(monkeypatch, capsys, dataset_nq):
    """Issue 14: `COLUMNS=100 perr query who-leads-what` lines are at most 100 characters; --width wins."""
    from perr_graph import cli

    monkeypatch.setenv("COLUMNS", "100")
    assert cli.main(["query", "who-leads-what", "--data", str(dataset_nq)]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) > 100 and max(widths(out)) <= 100
    assert cli.main(["query", "who-leads-what", "--data", str(dataset_nq), "--width", "80"]) == 0
    out = capsys.readouterr().out
    assert max(widths(out)) <= 80 and "…" in out
    # captured output is no terminal: natural widths, cells cut at 60 characters
    monkeypatch.delenv("COLUMNS")
    assert cli.main(["query", "who-leads-what", "--data", str(dataset_nq)]) == 0
    assert max(widths(capsys.readouterr().out)) > 100
