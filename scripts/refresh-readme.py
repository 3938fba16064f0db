"""Refresh the generated parts of README.md (the `perr stats` table) from the built graph.

Run after changing readers, configurations or the registry: `.venv/bin/python scripts/refresh-readme.py`.
tests/test_readme.py fails while the README and the code disagree.
"""

import contextlib
import io
import re
import sys
from pathlib import Path

from perr_graph.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"

out = io.StringIO()
with contextlib.redirect_stdout(out):
    if main(["stats"]) != 0:
        sys.exit("perr stats failed")
table = out.getvalue().rstrip("\n")
text = README.read_text(encoding="utf-8")
new = re.sub(r"(<!-- stats:begin -->\n```\n).*?(\n```\n<!-- stats:end -->)", lambda m: m.group(1) + table + m.group(2),
             text, flags=re.S)
README.write_text(new, encoding="utf-8")
print("README.md stats table refreshed" if new != text else "README.md already up to date")
