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


class Sectioned(Block):
    """A block whose ``heading`` line opens a section of the document. The heading's pillar and themes come from
    the ``[labels]`` table, unless the block gives them (``pillar``, ``themes``)."""

    heading: Line | None = None
    pillar: str | None = None
    themes: list[str] | None = None


class MatrixBlock(Sectioned):
    reader: Literal["matrix"]
    #: the line of the partner column names
    header: Line
    #: what the cells left of the commitment text are
    group: Literal["challenge", "theme"] = "challenge"
    #: rows shifted n cells to the left: ``{ <line> = n }``
    shift: LineMap = Field(default_factory=dict)


class ObjectivesTableBlock(Sectioned):
    reader: Literal["objectives-table"]
    #: the line of Enjeux / Objectifs / Déclinaisons locales / Indicateurs
    header: Line
    #: a row continuing an earlier row's cell across a page break: ``{ <line> = <earlier line> }``
    continues: LineMap = Field(default_factory=dict)


class SectionLabel(Model):
    """A section whose heading was lost in the conversion: its label, pillar, themes and a note saying so."""

    label: str
    pillar: str | None = None
    themes: list[str] = Field(default_factory=list)
    note: str | None = None


class ProseBlock(Sectioned):
    reader: Literal["prose"]
    section: SectionLabel | None = None
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


class PartyTableBlock(Block):
    reader: Literal["party-table"]
    heading: Line | None = None
    #: the header cell of the column naming the body that carries each row
    party_column: str
    #: the header cells of the columns that make the commitment's text
    text_columns: list[str]
    role: str
    rule: str
