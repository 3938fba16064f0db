"""Copy YASGUI's built files from node_modules/ into the package (src/perr_graph/serve/static/yasgui/), inert.

Called by scripts/vendor-yasgui.sh after ``npm ci``. The copies are written to a temporary folder renamed into
place, with ``VERSION.json`` (package, version, licence, sha256 of each file as copied). What YASGUI would fetch
from the web is made inert here, besides being switched off in the page's configuration and refused by the
page's Content-Security-Policy (``connect-src 'self'``):

* the Linked Open Vocabularies autocompletion service (class and property completion) becomes ``data:,``;
* the stylesheet must hold no ``@import`` and no ``url(http…)`` (fonts, images): checked, the copy fails if so.

Standard library only: it runs before the project is installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "node_modules" / "@zazuko" / "yasgui"
TARGET = ROOT / "src" / "perr_graph" / "serve" / "static" / "yasgui"
FILES = ("yasgui.min.js", "yasgui.min.css")

#: addresses in the JavaScript that the code fetches (not namespace IRIs, which are only text): made inert (the
#: expression as it stands in the pinned version; a new version that writes it otherwise fails the copy)
INERT = {"`${r}lov.linkeddata.es/dataset/lov/api/v2/autocomplete/terms?${o.toString()}`": "`data:,`"}

_CSS_FETCHES = re.compile(r"@import|url\(\s*['\"]?\s*(?:https?:)?//", re.I)


def main() -> int:
    meta = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["@zazuko/yasgui"]
    if meta["version"] != pinned:
        print(
            f"vendor-yasgui: node_modules holds {meta['version']}, package.json pins {pinned}",
            file=sys.stderr,
        )
        return 2
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".yasgui-", dir=TARGET.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the package data is read by everyone
    sums = {}
    for name in FILES:
        text = (PACKAGE / "build" / name).read_text(encoding="utf-8")
        if name.endswith(".js"):
            for address, inert in INERT.items():
                if address not in text:
                    print(
                        f"vendor-yasgui: {address} not found in {name}: check what it fetches",
                        file=sys.stderr,
                    )
                    return 2
                text = text.replace(address, inert)
            text = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)
        elif _CSS_FETCHES.search(text):
            print(
                f"vendor-yasgui: {name} fetches from the web: {_CSS_FETCHES.search(text).group(0)}",
                file=sys.stderr,
            )
            return 2
        data = text.encode("utf-8")
        (work / name).write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    version = {
        "package": meta["name"],
        "version": meta["version"],
        "license": meta.get("license"),
        "sha256": sums,
    }
    (work / "VERSION.json").write_text(json.dumps(version, indent=2) + "\n", encoding="utf-8")
    if TARGET.exists():
        shutil.rmtree(TARGET)
    work.rename(TARGET)
    print(f"vendor-yasgui: {meta['name']} {meta['version']} in {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
