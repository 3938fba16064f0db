"""Per-protocol configuration (``protocols/<id>.toml``): which reader reads which lines, with which legend.

A new protocol needs a catalogue row, its text under ``sources/`` and one of these files — no Python. The keys
are documented in ``data/protocols/README.md`` and modelled here, one pydantic model per table: a key the models
do not know is refused, a value of the wrong type or shape too, and every mistake is one line naming the file and
the line where the key stands (:mod:`perr_graph.inputs.tomllines`).

The ``[[read]]`` blocks are the readers' own: :class:`Block` holds what every block may say, and each reader
extends it with its further keys (:mod:`perr_graph.read.blocks`). :func:`load_config` is given the reader table's
block models by name, so the names a configuration may use are exactly the readers that exist.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from perr_graph.errors import ConfigError
from perr_graph.inputs.tomllines import key_lines, line_of


def _line_range(value: object) -> tuple[int, int]:
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(type(x) is int and x >= 1 for x in value)
        and value[0] <= value[1]
    ):
        return (value[0], value[1])
    raise ValueError("must be [first, last]: two line numbers from 1, first <= last")


#: a 1-based line number of the source text
Line = Annotated[int, Field(ge=1)]
#: ``[first, last]``, both included
LineRange = Annotated[tuple[int, int], PlainValidator(_line_range)]
#: an ISO date, ``"2019-12-12"``
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Model(BaseModel):
    """A table of the configuration: unknown keys are refused, values are taken as TOML typed them."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Quoted(Model):
    """A fact stated at a line of the text, with the words that state it (checked against the text)."""

    line: Line
    quote: str
    #: the last line, when the quote runs over several lines
    end_line: Line | None = None


class Title(Model):
    lines: LineRange


class EndDate(Quoted):
    """The last day of the period, where the text states one (``jusqu'au 31 décembre 2022``)."""

    date: IsoDate


class Period(Quoted):
    start: int | None = None
    end: int | None = None
    end_date: EndDate | None = None


class Signing(Quoted):
    date: IsoDate | None = None
    place: str | None = None


class Contract(Quoted):
    """The contrat de ville the protocol renews."""

    title: str
    signature_date: IsoDate | None = None


class Mention(Quoted):
    """A territory the text names: a QPV (``[[qpv]]``), a commune de veille active (``[[watch]]``) or another place
    (``[[place]]``)."""

    territory: str


class Population(Quoted):
    territory: str
    value: int
    year: int | None = None
    approximate: bool = False
    #: the figure counts only the inhabitants of the territory's priority neighbourhoods ("habitants en QPV")
    in_qpv: bool = False


class Communes(Quoted):
    """The number of communes the text says a territory counts."""

    territory: str
    value: int


class ContributionEntry(Quoted):
    """A partner's own text copied into the protocol: its title (``line``, ``quote``), its partner and the lines
    its items stand in; the commitments read from those lines are the partner's contribution items."""

    partner: str
    lines: LineRange


class ObjectiveEntry(Model):
    """An objective stated once, for prose blocks and indicator lines to hang on."""

    lines: LineRange


class Body(Quoted):
    """A governance body; ``chairs`` and ``members`` quote lists of organisations."""

    slug: str
    label: str
    type: str
    chairs: list[Quoted] = Field(default_factory=list)
    members: list[Quoted] = Field(default_factory=list)


class RoleRule(Model):
    role: str
    rule: str


#: a mark as a table writes it: letters or symbols, no white space or brackets ("X", "x", "P", "CF", "●")
Mark = Annotated[str, Field(pattern=r"^[^\s()\[\]]{1,6}$")]


class Column(Model):
    """A matrix column whose header names several partners at once (a "Communes" column standing for every
    commune that signs), or one the registry does not name, with the words of the text that say so."""

    partners: Annotated[list[str], Field(min_length=1)]
    line: Line | None = None
    quote: str | None = None


class Matrix(Model):
    """How the marks of ``matrix`` tables become roles: ``marks`` maps each mark the document uses (any letters or
    symbols) to a role and a reading rule; ``legend`` is the line where the document states what its marks mean
    (the evidence of every involvement read from a mark); ``unmarked`` is the reading of a code with no mark,
    ``free`` of a free column such as "Autres"; ``columns`` maps a header cell to the partners it stands for."""

    legend: Quoted | None = None
    marks: Annotated[dict[Mark, RoleRule], Field(min_length=1)]
    unmarked: RoleRule | None = None
    free: RoleRule | None = None
    columns: dict[str, Column] = Field(default_factory=dict)


class Premise(Quoted):
    """A line a hypothesis rests on, in this protocol's text or, with ``protocol``, in another protocol's."""

    protocol: str | None = None


class Hypothesis(Model):
    """A reading the document does not state, applied apart (``graph:inferences/<pid>``): the involvements read
    by rule ``rule`` whose legend key (``X``, ``x``, ``free``, ``unmarked``) is in ``marks`` get the role and
    rule given there, as inferred involvements of the hypothesis ``id`` (a ``hypothesis:`` concept)."""

    id: str
    rule: str
    marks: dict[str, RoleRule]
    premises: list[Premise] = Field(default_factory=list)


class Label(Model):
    pillar: str | None = None
    themes: list[str] = Field(default_factory=list)


class Ignored(Model):
    """A line where "porté(e) par X" qualifies something other than the commitment, and why."""

    line: Line
    reason: str


class IgnoredLines(Model):
    """Lines of the text no block reads, and why (a table of contents, a page footer, a preamble that states no
    commitment). Every content line of a text is read by a block, cited by a fact, or listed here."""

    lines: LineRange
    reason: Annotated[str, Field(min_length=3)]


class Block(Model):
    """What every ``[[read]]`` block may say: its reader, its lines, and a default committing party for the
    commitments it creates that no mark or intro attributes (``party``: a partner id or ``@signatories``)."""

    reader: str
    lines: LineRange
    party: str | None = None
    role: str | None = None
    rule: str | None = None
    evidence: str | None = None
    evidence_line: Line | None = None
    _number: int = PrivateAttr(default=0)
    _toml_line: int | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _party_has_role_and_rule(self) -> Block:
        if self.party is not None and not (self.role and self.rule):
            raise ValueError("a block with a party needs role and rule")
        return self

    @property
    def number(self) -> int:
        """The block's position among the ``[[read]]`` blocks, from 1."""
        return self._number

    @property
    def toml_line(self) -> int | None:
        """The line of the configuration where the block starts."""
        return self._toml_line


class ProtocolConfig(Model):
    """One protocol's configuration, as written in its TOML file."""

    id: str
    source: str
    epci: str | None = None
    territory: str | None = None
    lead_note: str = ""
    title: Title | None = None
    period: Period | None = None
    signing: Signing | None = None
    contract: Contract | None = None
    qpv: list[Mention] = Field(default_factory=list)
    watch: list[Mention] = Field(default_factory=list)
    place: list[Mention] = Field(default_factory=list)
    population: list[Population] = Field(default_factory=list)
    communes: list[Communes] = Field(default_factory=list)
    contribution: list[ContributionEntry] = Field(default_factory=list)
    hypothesis: list[Hypothesis] = Field(default_factory=list)
    objective: list[ObjectiveEntry] = Field(default_factory=list)
    body: list[Body] = Field(default_factory=list)
    matrix: Matrix | None = None
    labels: dict[str, Label] = Field(default_factory=dict)
    explicit_words_ignore: list[Ignored] = Field(default_factory=list)
    ignore: list[IgnoredLines] = Field(default_factory=list)
    read: list[Block]
    _path: Path = PrivateAttr(default=Path())
    _text: str = PrivateAttr(default="")

    @property
    def path(self) -> Path:
        return self._path

    @property
    def text(self) -> str:
        return self._text


def load_config(path: Path, blocks: Mapping[str, type[Block]]) -> ProtocolConfig:
    """Read and check one configuration. ``blocks`` maps each reader's name to the model of its blocks (the
    reader table gives it); any mistake is a :class:`~perr_graph.errors.ConfigError` at the key's line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read configuration ({exc.strerror})", path) from None
    data = parse_toml(text, path)
    index = key_lines(text)
    errors: list[tuple[int | None, str]] = []
    read = data.get("read")
    parsed: list[Block] = []
    if isinstance(read, list):
        for i, raw in enumerate(read):
            block = _block(raw, i, blocks, index, errors)
            if block is not None:
                parsed.append(block)
    try:
        config = ProtocolConfig.model_validate({**data, "read": parsed if isinstance(read, list) else read})
    except ValidationError as exc:
        errors += [_message(e, index) for e in exc.errors()]
    if errors:
        line, message = min(errors, key=lambda e: (e[0] is None, e[0] or 0))
        raise ConfigError(message, path, line)
    config._path, config._text = path, text
    return config


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """A TOML text, or a one-line :class:`~perr_graph.errors.ConfigError` at the line of the syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(
            f"not valid TOML: {str(exc).split(' (at line')[0]}", path, int(m.group(1)) if m else None
        ) from None


def _block(
    raw: object,
    i: int,
    blocks: Mapping[str, type[Block]],
    index: dict,
    errors: list[tuple[int | None, str]],
) -> Block | None:
    where = ("read", i)
    if not isinstance(raw, dict) or raw.get("reader") not in blocks:
        errors.append(
            (
                line_of(index, (*where, "reader")),
                f"[[read]] block {i + 1}: reader must be one of {', '.join(sorted(blocks))}",
            )
        )
        return None
    try:
        block = blocks[raw["reader"]].model_validate(raw)
    except ValidationError as exc:
        errors += [_message({**e, "loc": (*where, *e["loc"])}, index) for e in exc.errors()]
        return None
    block._number, block._toml_line = i + 1, line_of(index, where)
    return block


def _message(error: Any, index: dict) -> tuple[int | None, str]:
    """(line, one-line message) for one pydantic error."""
    loc = tuple(x for x in error["loc"] if x != "[key]")
    kind = error["type"]
    key = loc[-1] if loc and isinstance(loc[-1], str) else ""
    where = _where(loc[:-1] if key else loc)
    prefix = f"{where}: " if where else ""
    if kind == "extra_forbidden":
        text = f"{prefix}unknown key {key!r}"
    elif kind == "missing":
        text = f"{prefix}missing key {key!r}"
    else:
        msg = str(error["msg"]).removeprefix("Value error, ")
        text = f"{prefix}{key}: {msg[:1].lower()}{msg[1:]}" if key != "" else f"{prefix}{msg}"
    return line_of(index, loc), " ".join(text.split())


def _where(loc: Sequence[str | int]) -> str:
    """A key path as a reader of the file says it: ``("read", 2, "shift")`` → ``[[read]] block 3, 'shift'``,
    ``("body", 0, "chairs", 1)`` → ``[[body]] 1, chairs 2``."""
    out: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(nxt, int):
            name = f"[[{part}]]" if not out else str(part)
            out.append(f"{name} {'block ' if part == 'read' else ''}{nxt + 1}")
            i += 2
            continue
        out.append(f"[{part}]" if not out else repr(part))
        i += 1
    return ", ".join(out)


def protocol_configs(directory: Path) -> list[Path]:
    """The configuration files of a corpus's ``protocols/`` folder, by name."""
    return sorted(directory.glob("*.toml"))
