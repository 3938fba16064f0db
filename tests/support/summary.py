"""Lines a test wants in the test run's closing summary (measured counts, such as the W3C suite's): printed by
``pytest_terminal_summary`` in ``tests/conftest.py``, whatever the output capture."""

from __future__ import annotations

LINES: list[str] = []


def add(line: str) -> None:
    LINES.append(line)
