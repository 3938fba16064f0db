"""Refresh the generated parts of README.md from the built graph: the `perr stats` table, the example query's
answer and the validation findings.

Run after changing readers, configurations or the registry: `.venv/bin/python scripts/refresh-readme.py`.
tests/test_readme.py fails while the README and the code disagree.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_blocks import BLOCKS, generate

README = Path(__file__).resolve().parents[1] / "README.md"

text = README.read_text(encoding="utf-8")
new = text
for name in BLOCKS:
    body = generate(name)
    new = re.sub(
        rf"(<!-- {name}:begin -->\n```\n).*?(\n```\n<!-- {name}:end -->)",
        lambda m, body=body: m.group(1) + body + m.group(2),
        new,
        flags=re.S,
    )
README.write_text(new, encoding="utf-8")
print("README.md refreshed" if new != text else "README.md already up to date")
