"""The project's own copy of the sources: byte-for-byte, catalogued, and nothing needs ../shared."""

import hashlib
import re

from perr_graph.inputs.catalogue import read_catalogue
from support import project


def test_catalogue_checksums_match_the_copied_texts():
    catalogue = read_catalogue(project.SOURCES / "catalogue.csv")
    assert set(catalogue) == {"valence", "loriol", "montelimar", "voiron", "puy"}
    for entry in catalogue.values():
        raw = (project.SOURCES / entry.file).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry.sha256, entry.file


def test_every_source_file_is_catalogued_and_configured():
    catalogue = read_catalogue(project.SOURCES / "catalogue.csv")
    files = {p.name for p in project.SOURCES.glob("*.txt")}
    assert files == {e.file for e in catalogue.values()}
    configured = {p.stem for p in project.PROTOCOLS.glob("*.toml")}
    assert configured == set(catalogue)


def test_nothing_in_the_project_refers_to_the_shared_folder():
    pattern = re.compile(r"\.\./shared|/work/shared")
    offenders = []
    for folder in ("src", "data/protocols", "queries", "ontology", ".ci"):
        for p in (project.ROOT / folder).rglob("*"):
            if (
                p.is_file()
                and p.suffix in (".py", ".toml", ".rq", ".ttl", "", ".sh", ".html", ".js")
                and pattern.search(p.read_text(encoding="utf-8", errors="replace"))
            ):
                offenders.append(str(p))
    assert offenders == []
