"""Drafting the tables of a text: tables of marks per partner column (``matrix``), objectives tables
(``objectives-table``), tables naming the structure that carries each row (``party-table``).

A table is a run of tab-separated lines (blank lines and page footers between them do not end it; a page footer
inside it is listed under ``ignore``). What it is comes from its header: cells that each name a kind of column
(Objectifs, Actions, Indicateurs …) make an objectives table; a "Structures" cell a party table; a line whose cells
name partners (the registry's, the text's parties, "Autres", "Communes") a matrix, whose marks are read by the
legend the text states before it (:func:`legend`). A header repeated after a page footer continues the table when
the row after it carries the group above down (an empty first cell), and starts a new table (whose heading the
conversion lost) when it opens a group of its own.
"""

from __future__ import annotations

import re

from perr_graph.draft.context import DraftContext
from perr_graph.draft.document import Line, is_heading, spaced
from perr_graph.draft.draft import DraftBlock
from perr_graph.inputs.registry import NOBODY, SIGNATORIES
from perr_graph.read.matrix import TEXT_HEADER
from perr_graph.read.objectives import column_kind
from perr_graph.text import clean, fold

_MARK = re.compile(r"^([^\s(]{1,3})(?:\s|\(|$)")
_PILOT = re.compile(
    r"\(\s*pilote\s*:\s*(?P<pilot>[^;)]+?)\s*(?:;\s*associ[ée]e?s?\s*:\s*(?P<assoc>[^)]+?))?\s*\)",
    re.IGNORECASE,
)
_LEGEND_PAIR = re.compile(r"(?:^|[:;,○▪•]\s*)(?P<mark>[^\s=:;,]{1,3})\s*=\s*(?P<meaning>[^;=○▪•]+)")
_LEAD_WORDS = re.compile(r"pilote|chef de file|responsable|referent|porteur", re.IGNORECASE)
_ASSOCIATED_WORDS = re.compile(r"associe|partenaire|contribu|participe", re.IGNORECASE)
_NOBODY_WORDS = re.compile(r"en cours d'identification|a identifier|a definir|non identifie", re.IGNORECASE)


def draft_tables(ctx: DraftContext, statistics_only: bool = False) -> None:
    """Each table, by its header (see the module docstring); ``statistics_only``: tables of figures only (they are
    drafted once the places they are about are known)."""
    for run in table_runs(ctx):
        header = ctx.doc.line(run[0])
        cells = header.filled
        kinds = [column_kind(c) for c in cells]
        if statistics_only:
            if not _statistics(ctx, run):
                ctx.draft.notes.append(
                    f"lines {run[0]}-{run[-1]}: a table the drafter does not read (its header names no partner "
                    "columns, no objectives columns, no places)"
                )
        elif any(fold(c).lower().startswith(("structure", "porteur")) for c in cells):
            _party_table(ctx, run)
        elif None not in kinds and kinds.count("commitment") == 1 and len(set(kinds)) == len(kinds) > 1:
            _objectives(ctx, run)
        else:
            _matrix(ctx, run)


def table_runs(ctx: DraftContext) -> list[list[int]]:
    """Runs of tab-separated lines with words, page footers and blank lines between them allowed; a repeated
    header that opens a group of its own starts a new run (see the module docstring)."""
    runs: list[list[int]] = []
    current: list[int] = []
    for line in ctx.doc.lines:
        if line.kind in ("blank", "footer") or not ctx.free(line.n):
            if line.kind == "footer" and current and ctx.free(line.n):
                ctx.ignore(line.n, line.n, "page footer inside a table (drafted)")
            continue
        tabbed = "\t" in line.raw and line.kind not in ("toc",) and bool(line.filled)
        if not tabbed:
            if current:
                runs.append(current)
            current = []
            continue
        if current and _cells(ctx.doc.line(current[0])) == _cells(line) and _opens_group(ctx, line.n):
            runs.append(current)
            current = []
        current.append(line.n)
    if current:
        runs.append(current)
    return [r for r in runs if len(r) >= 2]


def _cells(line: Line) -> list[str]:
    return [fold(c).strip().lower() for c in line.cells]


def _opens_group(ctx: DraftContext, n: int) -> bool:
    nxt = ctx.doc.next_content(n)
    return nxt is not None and bool(nxt.cells[0].strip())


def _heading_above(ctx: DraftContext, n: int, reach: int = 6) -> int | None:
    """The heading just above line ``n`` (within ``reach`` lines with words, over a legend or an intro)."""
    m, seen = n, 0
    while seen < reach:
        prev = ctx.doc.previous_content(m)
        if prev is None or (not ctx.free(prev.n) and prev.n not in _cited(ctx)):
            return None
        if prev.kind == "heading" or (is_heading(prev.raw) and len(prev.text) < 80):
            return prev.n
        if "\t" in prev.raw:
            return None
        m, seen = prev.n, seen + 1
    return None


def _cited(ctx: DraftContext) -> set[int]:
    legend = (ctx.draft.matrix or {}).get("legend")
    return {legend["line"]} if legend else set()


# --- tables of marks ------------------------------------------------------------------------------------------


def partner_column(ctx: DraftContext, name: str, line: int) -> list[str] | None:
    """The partners a header cell stands for: one the registry or the text names, none for a free column
    ("Autres"), every commune party for "Communes"; None when the cell names no partner."""
    text = clean(name)
    if not text or TEXT_HEADER.match(fold(text).lower()):
        return None
    hit = ctx.parties.lookup(text)
    if hit is not None:
        return [hit]
    if re.fullmatch(r"(?:les )?(?:communes|villes)", fold(text).lower()):
        towns = [p for p in ctx.parties.named if ctx.parties.category(p) == "commune"]
        return towns or None
    found = ctx.parties.find(text)
    return [found] if found else None


def _matrix(ctx: DraftContext, run: list[int]) -> bool:
    """A table of marks: its partner header (one of its first three lines), its legend, its columns and cells."""
    for header in run[:3]:
        line = ctx.doc.line(header)
        columns = {i: partner_column(ctx, c, header) for i, c in enumerate(line.cells) if clean(c)}
        named = [i for i, p in columns.items() if p]
        if len(named) >= 3 and all(len(clean(c)) <= 30 for i, c in enumerate(line.cells) if columns.get(i)):
            break
    else:
        return False
    first_partner = min(named)
    text_columns = [clean(line.cells[i]) for i, p in columns.items() if p is None and i < first_partner]
    unknown = [i for i, p in columns.items() if p is None and i > first_partner]
    for i in unknown:  # a header cell that is not a text column: a partner the text names
        name = clean(line.cells[i])
        pid = ctx.parties.party(name, header, line.cells[i].strip())
        if pid is None:
            return False
    rows = [n for n in run if n > header]
    if not rows:
        return False
    marks = _marks(ctx, rows, sorted(i for i in named if columns[i] != [NOBODY]))
    keys: dict[str, object] = {}
    top = _heading_above(ctx, run[0])
    legend(ctx, header, marks)
    _columns(ctx, line, header)
    if top is not None:
        keys["heading"] = top
        ctx.label(top)
    else:
        keys["section"] = _lost_section(ctx, rows, run[0])
    keys["header"] = header
    if any(spaced(clean(ctx.doc.line(n).cells[0])) for n in rows if ctx.doc.line(n).cells[0].strip()):
        keys["group"] = "theme"
    if text_columns and all(TEXT_HEADER.match(fold(t).lower()) for t in text_columns):
        keys["text_columns"] = text_columns
    shifts = _shifts(ctx, rows, first_partner - 1, set((ctx.draft.matrix or {}).get("marks", {})))
    if shifts:
        keys["shift"] = shifts
    _cells_named(ctx, rows, line, columns, first_partner)
    for n in rows:
        cell = ctx.doc.line(n).cells[0]
        if cell.strip() and keys.get("group") == "theme":
            ctx.theme_label(cell)
        elif cell.strip():
            ctx.group_label(cell)
    first = top if top is not None else run[0]
    legend_marks = ", ".join(
        f"{mark} {entry['role']}" for mark, entry in (ctx.draft.matrix or {}).get("marks", {}).items()
    )
    why = f"a table of marks per partner column (header line {header}); marks: {legend_marks or '-'}"
    ctx.add_block(DraftBlock("matrix", min(first, run[0]), run[-1], keys, why))
    return True


def _marks(ctx: DraftContext, rows: list[int], partner_cols: list[int]) -> set[str]:
    out: set[str] = set()
    for n in rows:
        cells = ctx.doc.line(n).cells
        for i in partner_cols:
            if i < len(cells):
                m = _MARK.match(clean(cells[i]))
                if m and m.group(1) in ("X", "x"):
                    out.add(m.group(1))
    return out


def legend(ctx: DraftContext, before: int, marks: set[str]) -> None:
    """``[matrix]``: the marks the text's legend names ("P = pilote (chef de file) ; A = partenaire associé",
    rule matrix-stated-legend), or the bold convention ("un chef de file qui apparaît en gras": uppercase X the lead,
    lowercase x associated), or, when the text states none, every mark with its role not stated. Written once,
    from the first table's legend."""
    if ctx.draft.matrix is not None and "marks" in ctx.draft.matrix:
        return
    matrix: dict[str, object] = dict(ctx.draft.matrix or {})
    found: dict[str, dict[str, str]] = {}
    for line in ctx.doc.lines[: before - 1]:
        pairs = [(m.group("mark"), fold(m.group("meaning"))) for m in _LEGEND_PAIR.finditer(line.text)]
        for mark, meaning in pairs:
            if _LEAD_WORDS.search(meaning):
                found[mark] = {"role": "chef-de-file", "rule": "matrix-stated-legend"}
            elif _ASSOCIATED_WORDS.search(meaning):
                found[mark] = {"role": "partenaire-associe", "rule": "matrix-stated-legend"}
        if any(v["role"] == "chef-de-file" for v in found.values()):
            where: dict[str, object] = {"line": line.n, "quote": _legend_quote(line.raw, list(found))}
            after = ctx.doc.line(line.n + 1) if line.n < len(ctx.doc) else None
            if after is not None and re.search(r"\b(?:colonne|sigle|lettre|marque)", fold(after.text), re.I):
                where["end_line"] = after.n  # the legend goes on: what a code or a column means
            matrix["legend"] = where
            break
        found = {}
        if re.search(r"chef de file.{0,60}\b(?:en gras|gras)\b", fold(line.text), re.IGNORECASE):
            quote = re.search(r"[^.*]*chef de file[^.*]*", line.raw)
            matrix["legend"] = {"line": line.n, "quote": quote.group(0).strip() if quote else line.text}
            found = {
                "X": {"role": "chef-de-file", "rule": "matrix-uppercase-lead"},
                "x": {"role": "partenaire-associe", "rule": "matrix-lowercase-associated"},
            }
            break
    stated = bool(found)
    if not found and not marks:  # no legend, no X or x: the table's marks are not known
        return
    if not found:
        found = {
            m: {"role": "role-non-precise", "rule": "matrix-mark-without-convention"} for m in marks or {"X"}
        }
    matrix["marks"] = found
    none = {
        "role": "role-non-precise",
        "rule": "matrix-unmarked-code" if stated else "matrix-mark-without-convention",
    }
    matrix["unmarked"] = none
    free = re.search(
        r"autres?\b[^.;]{0,40}\b(?:associ|partenaires associ)", fold(ctx.parties.text), re.IGNORECASE
    )
    matrix["free"] = (
        {"role": "partenaire-associe", "rule": "matrix-legend-column"} if stated and free else dict(none)
    )
    ctx.draft.matrix = matrix


def _legend_quote(raw: str, marks: list[str]) -> str:
    """The words of the legend from its first mark to the end of its line, verbatim."""
    start = min((raw.find(f"{m} =") for m in marks if raw.find(f"{m} =") >= 0), default=0)
    return raw[start:].rstrip().rstrip(".").strip()


def _columns(ctx: DraftContext, header: Line, n: int) -> None:
    """``[matrix] columns``: a header cell that stands for several partners ("Communes": every commune the text
    names as a party)."""
    for cell in header.cells:
        text = clean(cell)
        partners = partner_column(ctx, text, n) if text else None
        if partners and len(partners) > 1:
            matrix = ctx.draft.matrix if ctx.draft.matrix is not None else {}
            columns = matrix.setdefault("columns", {})
            columns[text] = {"partners": partners}
            ctx.draft.matrix = matrix


def _shifts(ctx: DraftContext, rows: list[int], text_col: int, marks: set[str]) -> dict[str, int]:
    """Rows whose text stands left of the text column and a mark in it (the conversion shifted them):
    ``{ line = n }``."""
    out = {}
    for n in rows:
        cells = ctx.doc.line(n).cells
        long = [i for i, c in enumerate(cells) if len(clean(c)) > 25]
        m = _MARK.match(clean(cells[text_col])) if text_col < len(cells) else None
        if long and long[0] < text_col and m and m.group(1) in marks:
            out[str(n)] = text_col - long[0]
    return out


def _cells_named(ctx: DraftContext, rows: list[int], header: Line, columns: dict, first_partner: int) -> None:
    """Every name a cell holds must be known: codes after a mark, free-column names; unknown ones are proposed
    (or read as a name the text spells another way)."""
    for n in rows:
        line = ctx.doc.line(n)
        for i, cell in enumerate(line.cells):
            text = clean(cell)
            if i < first_partner or not text or i >= len(header.cells):
                continue
            column = columns.get(i)
            if column == [NOBODY]:
                for name in re.split(r"\s*[,;]\s*", text):
                    _name(ctx, name, n, cell.strip())
                continue
            m = re.match(r"^[^\s(]{1,3}(?:\s*\((?P<p>[^)]*)\)|\s+(?P<c>.+))$", text)
            codes = (m.group("p") or m.group("c")) if m else None
            if codes:
                _name(ctx, codes, n, cell.strip(), parent=column[0] if column and len(column) == 1 else "")


def _name(ctx: DraftContext, words: str, n: int, quote: str, parent: str = "") -> None:
    words = clean(words)
    if not words:
        return
    if _NOBODY_WORDS.search(fold(words)):
        ctx.parties.alias(words, NOBODY, n, "names no identified organisation")
        return
    _found, unknown = ctx.parties.table.split(words, ctx.parties.pid)
    unknown = [w for w in unknown if w.lower() != "et"]
    if not unknown:
        return
    if ctx.parties.near(words, n) or ctx.parties.find(words):
        return
    pid = ctx.parties.propose(
        words, n, quote, parent=parent if parent not in ("", NOBODY, SIGNATORIES) else ""
    )
    ctx.parties.alias(words, pid, n)


def _lost_section(ctx: DraftContext, rows: list[int], header: int) -> dict[str, object]:
    """A table whose heading the conversion lost: its pillar and themes from the words of its rows."""
    words = " ".join(ctx.doc.line(n).text for n in rows)
    pillar, themes = ctx.classifier.classify(" ".join(clean(ctx.doc.line(n).cells[0]) for n in rows))
    if pillar is None:
        pillar, themes = ctx.classifier.classify(words)
    label = {
        "cohesion-sociale": "cohésion sociale",
        "cadre-de-vie-renouvellement-urbain": "cadre de vie et renouvellement urbain",
        "developpement-economique-emploi": "développement économique et emploi",
        "axes-transversaux": "axes transversaux",
        "gouvernance": "gouvernance",
    }.get(pillar or "", "tableau")
    section: dict[str, object] = {"label": f"{label} (titre perdu)"}
    if pillar:
        section["pillar"] = pillar
    section["themes"] = themes
    section["note"] = (
        f"The table's heading was lost in the conversion (its header, line {header}, follows a page break); the "
        "label, pillar and themes were drafted from the words of its rows: review them."
    )
    return section


# --- statistics, objectives tables, tables naming a structure per row ------------------------------------------

_FIGURE = re.compile(r"^\s*\d+(?:[ ,]\d+)?\s*%?\s*$")


def _statistics(ctx: DraftContext, run: list[int]) -> bool:
    """A header of territories the text names (its first cell empty), then "statistic\tvalue\tvalue" rows."""
    header = ctx.doc.line(run[0]).cells
    if clean(header[0]) or len(header) < 2:
        return False
    if not all(ctx.parties.territories.lookup(clean(c), ctx.parties.pid) for c in header[1:]):
        return False
    rows = [ctx.doc.line(n).cells for n in run[1:]]
    if not rows or not all(
        len(r) == len(header) and all(_FIGURE.match(clean(c)) for c in r[1:]) for r in rows
    ):
        return False
    why = f"a statistics table: {', '.join(clean(c) for c in header[1:])}"
    ctx.add_block(DraftBlock("statistics", run[0], run[-1], {}, why))
    return True


def _objectives(ctx: DraftContext, run: list[int]) -> None:
    header = run[0]
    keys: dict[str, object] = {}
    top = _heading_above(ctx, header)
    if top is not None:
        keys["heading"] = top
        ctx.label(top)
    keys["header"] = header
    intro = _intro_above(ctx, header, top)
    if intro is not None:
        _party_keys(ctx, intro, keys)
    for n in run[1:]:
        for m in _PILOT.finditer(ctx.doc.line(n).text):
            for name in re.split(r"\s*[,;]\s*|\s+et\s+", m.group("pilot") + ", " + (m.group("assoc") or "")):
                if clean(name):
                    ctx.parties.party(name, n, ctx.doc.line(n).raw.strip())
    why = f"an objectives table (header line {header}: {' / '.join(ctx.doc.line(header).filled)})"
    ctx.add_block(DraftBlock("objectives-table", top if top is not None else header, run[-1], keys, why))


def _intro_above(ctx: DraftContext, header: int, floor: int | None) -> Line | None:
    """A sentence "X s'engage(nt) à …" between the table's heading and its header."""
    m = header
    while True:
        prev = ctx.doc.previous_content(m, (floor or 0) + 1)
        if prev is None or header - prev.n > 8:
            return None
        if re.search(r"s'engag", fold(prev.text)):
            return prev
        m = prev.n


def _party_keys(ctx: DraftContext, intro: Line, keys: dict[str, object]) -> None:
    """The block's default party from an intro "X s'engage(nt) à …": the signatories together, or X."""
    phrase = re.split(r"s'engag", intro.text, maxsplit=1, flags=re.IGNORECASE)[0].strip(" ,")
    party = ctx.parties.party(phrase, intro.n, intro.raw.strip())
    if party is None:
        return
    m = re.search(r"[^.]*s'engag[^.:]*", intro.raw)
    evidence = m.group(0).strip() if m else intro.raw.strip()
    if party == SIGNATORIES:
        keys.update(party="@signatories", role="signataires-collectivement", rule="collective-signatories")
    else:
        keys.update(party=party, role="partie-qui-s-engage", rule="committing-party")
    keys.update(evidence=evidence, evidence_line=intro.n)


def _party_table(ctx: DraftContext, run: list[int]) -> None:
    header = ctx.doc.line(run[0])
    cells = [c.strip() for c in header.cells]
    party_column = next(c for c in cells if fold(c).lower().startswith(("structure", "porteur")))
    index = cells.index(party_column)
    for n in run[1:]:
        row = ctx.doc.line(n).cells
        if index < len(row) and clean(row[index]):
            _name(ctx, row[index], n, row[index].strip())
    keys: dict[str, object] = {}
    top = _heading_above(ctx, run[0], reach=2)
    if top is not None:
        keys["heading"] = top
        ctx.label(top)
    keys.update(
        party_column=party_column,
        text_columns=[c for c in cells if c and c != party_column],
        role="structure-porteuse",  # the body carrying the row's post or scheme, not a lead (docs/model.md, Roles)
        rule="annex-table-structure",
    )
    why = f"a table naming the structure that carries each row (column {party_column!r})"
    ctx.add_block(DraftBlock("party-table", run[0], run[-1], keys, why))
