"""Copy the browser code the package serves or writes from node_modules/ into the package, inert.

Called by scripts/vendor-npm.sh after ``npm ci``, for each package of :data:`PACKAGES`: YASGUI (``perr serve``'s
query page, into src/perr_graph/serve/static/yasgui/) and write-excel-file (the XLSX downloads of ``perr
report``'s tables, made in the browser, into src/perr_graph/report/static/write-excel-file/). The copies are
written to a temporary folder renamed into place, with ``VERSION.json`` (package, version, licence, sha256 of each
file as copied; write-excel-file's licence text too). What the code would fetch from the web is made inert here,
besides being refused by the pages' Content-Security-Policy:

* YASGUI: the Linked Open Vocabularies autocompletion service (class and property completion) becomes ``data:,``;
  its stylesheet must hold no ``@import`` and no ``url(http…)`` (fonts, images): checked, the copy fails if so;
* write-excel-file: must not fetch at all (no ``fetch(``, ``XMLHttpRequest``, ``importScripts``, ``WebSocket``):
  checked, the copy fails if it does (its ``http://schemas…`` addresses are XML namespaces, text only).

Standard library only: it runs before the project is installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CSS_FETCHES = re.compile(r"@import|url\(\s*['\"]?\s*(?:https?:)?//", re.I)
_JS_FETCHES = re.compile(r"\bfetch\(|XMLHttpRequest|importScripts|WebSocket|sendBeacon")


@dataclass(frozen=True)
class Package:
    name: str  # as in package.json
    files: dict[str, str]  # file in the npm package -> name of the copy
    target: Path
    #: addresses in the JavaScript that the code fetches, made inert (the expression as it stands in the pinned
    #: version; a new version that writes it otherwise fails the copy)
    inert: dict[str, str] = field(default_factory=dict)
    #: the JavaScript must not fetch anything at all
    no_fetch: bool = False


PACKAGES = [
    Package(
        "@zazuko/yasgui",
        {"build/yasgui.min.js": "yasgui.min.js", "build/yasgui.min.css": "yasgui.min.css"},
        ROOT / "src" / "perr_graph" / "serve" / "static" / "yasgui",
        inert={"`${r}lov.linkeddata.es/dataset/lov/api/v2/autocomplete/terms?${o.toString()}`": "`data:,`"},
    ),
    Package(
        "write-excel-file",
        {"bundle/write-excel-file.min.js": "write-excel-file.min.js", "LICENSE": "LICENSE"},
        ROOT / "src" / "perr_graph" / "report" / "static" / "write-excel-file",
        no_fetch=True,
    ),
]


def fail(message: str) -> int:
    print(f"vendor-npm: {message}", file=sys.stderr)
    return 2


def copy(pkg: Package) -> int:
    source = ROOT / "node_modules" / pkg.name
    meta = json.loads((source / "package.json").read_text(encoding="utf-8"))
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"][pkg.name]
    if meta["version"] != pinned:
        return fail(f"node_modules holds {pkg.name} {meta['version']}, package.json pins {pinned}")
    copies: dict[str, bytes] = {}  # checked before anything is written
    for path, name in pkg.files.items():
        text = (source / path).read_text(encoding="utf-8")
        if name.endswith(".js"):
            for address, inert in pkg.inert.items():
                if address not in text:
                    return fail(f"{address} not found in {pkg.name}'s {name}: check what it fetches")
                text = text.replace(address, inert)
            if pkg.no_fetch and (found := _JS_FETCHES.search(text)):
                return fail(f"{pkg.name}'s {name} fetches from the web: {found.group(0)}")
            text = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)
        elif name.endswith(".css") and (found := _CSS_FETCHES.search(text)):
            return fail(f"{pkg.name}'s {name} fetches from the web: {found.group(0)}")
        copies[name] = text.encode("utf-8")
    pkg.target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".vendor-", dir=pkg.target.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the package data is read by everyone
    sums = {}
    for name, data in copies.items():
        (work / name).write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    version = {
        "package": meta["name"],
        "version": meta["version"],
        "license": meta.get("license"),
        "sha256": sums,
    }
    (work / "VERSION.json").write_text(json.dumps(version, indent=2) + "\n", encoding="utf-8")
    if pkg.target.exists():
        shutil.rmtree(pkg.target)
    work.rename(pkg.target)
    print(f"vendor-npm: {meta['name']} {meta['version']} in {pkg.target.relative_to(ROOT)}", file=sys.stderr)
    return 0


def main() -> int:
    return max(copy(pkg) for pkg in PACKAGES)


if __name__ == "__main__":
    sys.exit(main())
