"""The keys of each reader's ``[[read]]`` blocks (documented in ``data/protocols/README.md``, "Readers").

Each model extends :class:`~perr_graph.inputs.config.Block` (``reader``, ``lines`` and the default party) with the
keys its reader reads, and names its reader in ``reader``; the reader table (:mod:`perr_graph.read.table`) pairs
each model with its function. A key a reader does not read is refused when the configuration is loaded.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict, model_validator

from perr_graph.inputs.config import Block, Line, Model

#: ``{ <line> = <value> }``: TOML writes the line numbers as keys, hence strings
LineMap = dict[Annotated[int, Strict(False), Field(ge=1)], int]


class SectionLabel(Model):
    """A section whose heading was lost in the conversion: its label, pillar, themes and a note saying so."""

    label: str
    pillar: str | None = None
    themes: list[str] = Field(default_factory=list)
    note: str | None = None


class Sectioned(Block):
    """A block whose ``heading`` line opens a section of the document. The heading's pillar and themes come from
    the ``[labels]`` table, unless the block gives them (``pillar``, ``themes``). A block whose heading was lost in
    the conversion supplies its section instead (``section = { label, pillar, themes, note }``)."""

    heading: Line | None = None
    pillar: str | None = None
    themes: list[str] | None = None
    section: SectionLabel | None = None

    @model_validator(mode="after")
    def _heading_or_section(self) -> Sectioned:
        if self.heading is not None and self.section is not None:
            raise ValueError("a block has either a heading line or a section for a lost heading, not both")
        return self


#: what a column of an objectives table holds
ColumnKind = Literal["challenge", "objective", "commitment", "indicator", "target"]


class MatrixBlock(Sectioned):
    reader: Literal["matrix"]
    #: the line of the partner column names
    header: Line
    #: what the cells left of the commitment text are
    group: Literal["challenge", "theme"] = "challenge"
    #: header cells that name text columns, not partners ("Orientations", "Actions"); the last holds the
    #: commitment, the one before it the group; default: cells whose words name a text column
    text_columns: list[str] | None = None
    #: rows shifted n cells to the left: ``{ <line> = n }``
    shift: LineMap = Field(default_factory=dict)
    #: a row cut across lines: ``{ <line> = <line of the row it continues> }`` (detected when left out: a line
    #: with no group cell whose text starts in lowercase after a row whose text does not end a sentence)
    continues: LineMap = Field(default_factory=dict)
    #: lines that start a row of their own even though they look like the continuation of the row above
    rows: list[Line] = Field(default_factory=list)


class ObjectivesTableBlock(Sectioned):
    reader: Literal["objectives-table"]
    #: the line of the header (Enjeux / Objectifs / Déclinaisons locales / Indicateurs, or any ordered subset of
    #: Enjeux / Orientations / Objectifs / Actions / Déclinaisons / Indicateurs / Cibles)
    header: Line
    #: what each header cell holds, when its words do not say it: ``{ "<header cell>" = "objective" }``
    columns: dict[str, ColumnKind] = Field(default_factory=dict)
    #: a row continuing an earlier row's cell across a page break: ``{ <line> = <earlier line> }``
    continues: LineMap = Field(default_factory=dict)


class ProseBlock(Sectioned):
    reader: Literal["prose"]
    #: lines that are sub-headings
    headings: list[Line] = Field(default_factory=list)
    #: "1. Title" lines are sub-headings too
    numbered_headings: bool = False
    #: who commits under a heading: its own words ("heading") or the services in its parentheses
    heading_party: Literal["heading", "parentheses"] | None = None
    sub_bullets: Literal["merge", "separate"] = "separate"
    #: paragraphs after a bullet become its description
    describe: bool = True
    #: the first line of an ``[[objective]]`` the commitments hang on
    objective: Line | None = None

    @model_validator(mode="after")
    def _parentheses_have_role_and_rule(self) -> ProseBlock:
        if self.heading_party == "parentheses" and not (self.role and self.rule):
            raise ValueError('heading_party = "parentheses" needs role and rule')
        return self


class SignatoryListBlock(Block):
    reader: Literal["signatory-list"]


class SignatureHtmlBlock(Block):
    reader: Literal["signature-html"]


class SignatureBlocksBlock(Block):
    reader: Literal["signature-blocks"]


class SignatureForBlock(Block):
    reader: Literal["signature-for"]


class StatisticsBlock(Block):
    reader: Literal["statistics"]


class AmountsBlock(Block):
    reader: Literal["amounts"]


class ReferencesBlock(Block):
    reader: Literal["references"]
    #: every line names a document, not only bullets
    whole_lines: bool = False
    #: words before the title to leave out
    strip_prefix: str | None = None


class ObjectiveListBlock(Sectioned):
    reader: Literal["objective-list"]
    headings: list[Line] = Field(default_factory=list)
    whole_lines: bool = False


class IndicatorLinesBlock(Block):
    reader: Literal["indicator-lines"]
    #: the first line of the ``[[objective]]`` the indicators measure
    objective: Line


class PartyTableBlock(Sectioned):
    reader: Literal["party-table"]
    #: the header cell of the column naming the body that carries each row
    party_column: str
    #: the header cells of the columns that make the commitment's text
    text_columns: list[str]
    #: the header cells of the columns kept apart, as cells of the row (``perr:cell``)
    cell_columns: list[str] = Field(default_factory=list)
    role: str
    rule: str
