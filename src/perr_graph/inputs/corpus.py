"""The corpus: which protocols a command works on, and where everything it reads and writes lives.

A corpus is a folder holding the user's data — ``sources/`` (the texts and ``catalogue.csv``), ``protocols/``
(one configuration per protocol), ``registry/`` and ``reference/identifiers.csv`` — and, optionally, its own
``queries/`` (they join the bundled library) and ``shapes/`` (they join the bundled shapes). Its ``perr.toml``
names it and says how its data is published (keys in ``data/protocols/README.md``, "The corpus: perr.toml").
The ontology, the bundled shapes and the query library come from the package (:mod:`perr_graph.resources`), so a
folder holding only the user's data is a complete corpus. Outputs go to ``dist/`` in the corpus.

Which corpus a command reads (:func:`find_corpus`), in this order: the folder given with ``--corpus``; else the
folder named by the ``PERR_HOME`` environment variable; else the nearest folder holding a ``perr.toml``, from the
current folder upwards (as git finds its repository); else the bundled example corpus (the five PERR protocols),
whose outputs then go to ``./dist`` in the current folder. The project's checkout is itself a corpus (its
``perr.toml`` is the bundled one).

No state is kept between calls: a :class:`Corpus` is made once by the command layer and passed on explicitly.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from perr_graph import namespaces as ns
from perr_graph import resources
from perr_graph.errors import ConfigError
from perr_graph.inputs.config import Model, parse_toml
from perr_graph.inputs.tomllines import key_lines, line_of

#: the file that makes a folder a corpus
SETTINGS = "perr.toml"
#: what ``licence = "unknown"`` says: nobody has established under which terms the texts may be reused
UNKNOWN = "unknown"


class CorpusSettings(Model):
    """The keys of ``perr.toml``."""

    #: shown by ``perr --version`` and ``perr stats``
    name: Annotated[str, Field(min_length=1)]
    #: where the graph's IRIs are minted
    base_iri: Annotated[str, Field(pattern=r"^https?://\S+[/#]$")]
    #: the licence of the texts and of the data built from them (a URL or SPDX identifier), or "unknown"
    licence: Annotated[str, Field(min_length=1)]
    #: who publishes the dataset, or "unknown"
    publisher: Annotated[str, Field(min_length=1)]
    #: the date this version of the dataset is published (dcterms:issued); absent: not stated
    issued: datetime.date | None = None
    #: the folder URL where perr.trig, perr.nq and perr.jsonld are published (dcat:downloadURL); absent: none
    download_url: Annotated[str, Field(pattern=r"^https?://\S+/$")] | None = None
    #: the folder holding sources/, protocols/, registry/ and reference/, relative to perr.toml
    data: str = "."
    #: where the commands write (perr.nq, perr.trig, report/), relative to perr.toml
    output: str = "dist"


@dataclass(frozen=True)
class Corpus:
    """One corpus: its settings and the folders the pipeline reads and writes (see the module docstring)."""

    #: the corpus folder (where its perr.toml is, or the folder that was given)
    root: Path
    name: str
    base_iri: str
    #: None when unknown (``licence = "unknown"``, or no perr.toml)
    licence: str | None
    #: None when unknown
    publisher: str | None
    #: the folder holding sources/, protocols/, registry/ and reference/
    data: Path
    #: where the commands write
    output: Path
    #: how the corpus was found: "--corpus", "PERR_HOME", "perr.toml" (the nearest one) or "bundled"
    found_by: str
    #: when this version of the dataset is published, if perr.toml says
    issued: datetime.date | None = None
    #: where the dataset files are published (a folder URL ending in "/"), if perr.toml says
    download_url: str | None = None
    #: its perr.toml, when it has one
    settings_file: Path | None = None
    #: line of each key of perr.toml (for errors found later, such as an unsupported base IRI)
    settings_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sources(self) -> Path:
        """The source texts and their ``catalogue.csv``."""
        return self.data / "sources"

    def source_path(self, file: str) -> str:
        """A source file as the user finds it: its path from the corpus folder (``data/sources/<file>`` in the
        project's checkout, ``sources/<file>`` in a corpus made by ``perr init``), or, when the data lies outside
        the corpus folder, from the folder that holds the data (``data/sources/<file>``)."""
        path = self.sources / file
        for base in (self.root, self.data.parent):
            try:
                return path.relative_to(base).as_posix()
            except ValueError:
                continue
        return path.as_posix()

    @property
    def catalogue(self) -> Path:
        return self.sources / "catalogue.csv"

    @property
    def protocols(self) -> Path:
        """One ``<id>.toml`` configuration per protocol."""
        return self.data / "protocols"

    @property
    def registry(self) -> Path:
        return self.data / "registry"

    @property
    def reference(self) -> Path:
        """The official identifiers found outside the texts."""
        return self.data / "reference" / "identifiers.csv"

    @property
    def ontology(self) -> Path:
        """The ontology and concept schemes (always the package's own)."""
        return resources.ontology()

    @property
    def shapes(self) -> tuple[Path, ...]:
        """The bundled shapes, then the corpus's own ``shapes/`` when it has one."""
        return _with_own(resources.shapes(), self.root / "shapes")

    @property
    def queries(self) -> tuple[Path, ...]:
        """The bundled query library, then the corpus's own ``queries/`` when it has one."""
        return _with_own(resources.queries(), self.root / "queries")

    @property
    def dataset(self) -> Path:
        """The built dataset (N-Quads), once ``perr build`` has run."""
        return self.output / "perr.nq"

    @property
    def bundled(self) -> bool:
        return self.found_by == "bundled"

    def describe(self) -> str:
        """One line: the corpus's name, folder and how it was found."""
        how = {
            "--corpus": "given with --corpus",
            "PERR_HOME": "from PERR_HOME",
            SETTINGS: f"the nearest {SETTINGS}",
            "bundled": f"bundled with perr-graph, writing to {self.output}",
        }.get(self.found_by, self.found_by)
        return f"corpus {self.name!r} in {self.root} ({how})"

    def settings_line(self, key: str) -> int | None:
        return self.settings_lines.get(key)


def _with_own(bundled: Path, own: Path) -> tuple[Path, ...]:
    if own.is_dir() and own.resolve() != bundled.resolve():
        return (bundled, own)
    return (bundled,)


def find_corpus(
    option: Path | None = None, *, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Corpus:
    """The corpus a command works on: ``--corpus`` (``option``), else ``PERR_HOME``, else the nearest
    ``perr.toml`` from ``cwd`` upwards, else the bundled one (writing to ``cwd/dist``)."""
    environ = os.environ if environ is None else environ
    cwd = (Path.cwd() if cwd is None else cwd).absolute()
    if option is not None:
        return open_corpus(Path(option), "--corpus")
    home = environ.get("PERR_HOME")
    if home:
        return open_corpus(Path(home), "PERR_HOME")
    for folder in (cwd, *cwd.parents):
        if (folder / SETTINGS).is_file():
            return open_corpus(folder, SETTINGS)
    return bundled_corpus(cwd / "dist")


def bundled_corpus(output: Path | None = None) -> Corpus:
    """The example corpus the package carries (the five PERR protocols), writing to ``output`` (default:
    ``dist/`` in the current folder)."""
    output = Path.cwd() / "dist" if output is None else output
    return replace(open_corpus(resources.corpus(), "bundled"), output=output.absolute())


def open_corpus(root: Path, found_by: str) -> Corpus:
    """The corpus in folder ``root``: read its ``perr.toml``, or, without one, take the defaults (named after the
    folder, licence and publisher unknown; its data at its top, or under ``data/`` as in the project's
    checkout)."""
    root = root.absolute()
    if not root.is_dir():
        raise ConfigError(f"corpus folder not found ({found_by})", root)
    settings_file = root / SETTINGS
    if not settings_file.is_file():
        nested = root / "data"
        data = nested if (nested / "protocols").is_dir() and not (root / "protocols").is_dir() else root
        return Corpus(root, root.name, ns.BASE, None, None, data, root / "dist", found_by)
    settings, lines = read_settings(settings_file)
    return Corpus(
        root=root,
        name=settings.name,
        base_iri=settings.base_iri,
        licence=None if settings.licence == UNKNOWN else settings.licence,
        publisher=None if settings.publisher == UNKNOWN else settings.publisher,
        data=(root / settings.data).absolute(),
        output=(root / settings.output).absolute(),
        found_by=found_by,
        issued=settings.issued,
        download_url=settings.download_url,
        settings_file=settings_file,
        settings_lines=lines,
    )


def read_settings(path: Path) -> tuple[CorpusSettings, dict[str, int]]:
    """A ``perr.toml`` and the line of each of its keys; a mistake is one line naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read corpus settings ({exc.strerror})", path) from None
    data = parse_toml(text, path)
    index = key_lines(text)
    try:
        settings = CorpusSettings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        key = str(loc[-1]) if loc else ""
        if error["type"] == "extra_forbidden":
            message = f"unknown key {key!r} (known: {', '.join(CorpusSettings.model_fields)})"
        elif error["type"] == "missing":
            message = f"missing key {key!r}"
        else:
            msg = str(error["msg"])
            message = f"{key}: {msg[:1].lower()}{msg[1:]}"
        raise ConfigError(message, path, line_of(index, loc)) from None
    lines = {str(k[0]): n for k, n in index.items() if len(k) == 1}
    return settings, lines
