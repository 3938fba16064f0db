"""``perr init``: a new corpus, ready for a user's own protocols.

The new folder holds ``sources/`` with an empty catalogue (its header only), ``protocols/`` (with the README that
documents the configuration keys), ``registry/`` and ``reference/`` copied from the bundled corpus (so the
organisations and territories it knows keep their IRIs and official identifiers), and a commented ``perr.toml``.
With the examples, the five bundled protocols come too: their texts, catalogue rows and configurations.

The corpus is made in a temporary folder beside the target and renamed into place: an interrupted init leaves
nothing behind, and a folder that already holds something is never written into.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from perr_graph import namespaces as ns
from perr_graph.errors import ConfigError
from perr_graph.inputs.catalogue import read_catalogue
from perr_graph.inputs.corpus import SETTINGS, UNKNOWN, Corpus

#: the catalogue's columns (:class:`~perr_graph.inputs.catalogue.CatalogueEntry`)
CATALOGUE_HEADER = "id,file,title,territory,sha256,lines\n"

SETTINGS_TEMPLATE = """\
# A perr-graph corpus: protocol texts (sources/), one configuration per protocol (protocols/), the registry of
# the organisations and places they name (registry/) and official identifiers (reference/). Every perr command
# run in this folder, or below it, works on this corpus; outputs go to dist/.
# Keys: protocols/README.md, "The corpus: perr.toml".

# shown by `perr --version` and `perr stats`
name = {name}

# where the IRIs of the graph are minted; this version of perr-graph mints them under
# https://w3id.org/perr-graph/ only
base_iri = "{base}"

# the licence of the texts and of the data built from them: a URL or an SPDX identifier, or "unknown" until
# you know under which terms the texts were published
licence = "{unknown}"

# who publishes the dataset (a person or an organisation), or "unknown"
publisher = "{unknown}"

# the folder holding sources/, protocols/, registry/ and reference/, relative to this file
# data = "."
# where the commands write, relative to this file
# output = "dist"
"""


def create_corpus(target: Path, template: Corpus, with_examples: bool = False) -> list[Path]:
    """Create a corpus in ``target`` (a new or empty folder) from the bundled ``template`` corpus; returns the
    files written."""
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(
            "not an empty folder: perr init makes a new corpus in a new or empty folder", target
        )
    tmp = target.parent / f".{target.name}.{os.getpid()}.init"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        _fill(tmp, target.name, template, with_examples)
        if target.exists():
            target.rmdir()
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ConfigError(f"cannot create the corpus ({exc.strerror or exc})", target) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(p for p in target.rglob("*") if p.is_file())


def _fill(folder: Path, name: str, template: Corpus, with_examples: bool) -> None:
    sources, protocols = folder / "sources", folder / "protocols"
    sources.mkdir()
    protocols.mkdir()
    readme = template.protocols / "README.md"
    if readme.is_file():
        shutil.copyfile(readme, protocols / "README.md")
    registry = folder / "registry"
    registry.mkdir()
    for f in sorted(template.registry.glob("*")):
        if f.suffix in (".csv", ".md"):
            shutil.copyfile(f, registry / f.name)
    (folder / "reference").mkdir()
    shutil.copyfile(template.reference, folder / "reference" / template.reference.name)
    if with_examples:
        shutil.copyfile(template.catalogue, sources / "catalogue.csv")
        for pid, entry in sorted(read_catalogue(template.catalogue).items()):
            shutil.copyfile(template.sources / entry.file, sources / entry.file)
            shutil.copyfile(template.protocols / f"{pid}.toml", protocols / f"{pid}.toml")
    else:
        (sources / "catalogue.csv").write_text(CATALOGUE_HEADER, encoding="utf-8")
    (folder / SETTINGS).write_text(
        SETTINGS_TEMPLATE.format(name=_toml_string(name), base=ns.BASE, unknown=UNKNOWN), encoding="utf-8"
    )


def _toml_string(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    body = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
    return '"' + body + '"'
