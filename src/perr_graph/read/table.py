"""The reader table: every reader a configuration may name, with the model of its blocks and its function.

This is the one list of readers. The configuration's allowed ``reader`` names are its keys
(:func:`block_models`, given to :func:`perr_graph.inputs.config.load_config`), and :mod:`.protocol` runs a block
with the function its name points to. A new reader is one function taking ``(context, block)``, one block model in
:mod:`.blocks`, and one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from perr_graph.inputs.config import Block
from perr_graph.read import blocks, matrix, objectives, prose, signatories, tables
from perr_graph.read.base import Context


@dataclass(frozen=True)
class Reader:
    """A reader: the model of its ``[[read]]`` blocks and the function that reads one block."""

    block: type[Block]
    read: Callable[[Context, Any], None]


READERS: dict[str, Reader] = {
    "matrix": Reader(blocks.MatrixBlock, matrix.read),
    "objectives-table": Reader(blocks.ObjectivesTableBlock, objectives.read),
    "prose": Reader(blocks.ProseBlock, prose.read),
    "signatory-list": Reader(blocks.SignatoryListBlock, signatories.read_list),
    "signature-html": Reader(blocks.SignatureHtmlBlock, signatories.read_html),
    "signature-blocks": Reader(blocks.SignatureBlocksBlock, signatories.read_blocks),
    "signature-for": Reader(blocks.SignatureForBlock, signatories.read_for),
    "statistics": Reader(blocks.StatisticsBlock, tables.read_statistics),
    "amounts": Reader(blocks.AmountsBlock, tables.read_amounts),
    "references": Reader(blocks.ReferencesBlock, tables.read_references),
    "party-table": Reader(blocks.PartyTableBlock, tables.read_party_table),
    "indicator-lines": Reader(blocks.IndicatorLinesBlock, objectives.read_indicator_lines),
    "objective-list": Reader(blocks.ObjectiveListBlock, objectives.read_objective_list),
}


def block_models() -> dict[str, type[Block]]:
    """Reader name → the model of its blocks: what a configuration's ``reader`` may say."""
    return {name: reader.block for name, reader in READERS.items()}
