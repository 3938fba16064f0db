"""Drafting what a text says in words: its list of parties, its glossary of codes, its signature page, and the
prose that states commitments (``prose`` blocks).

Prose: the lines no table, signature or fact claims form zones; a zone is cut into sections at its headings of the
first level (capitals, "#"/"##", "Article", "ANNEXE"). A section becomes a ``prose`` block when its words say who
commits: an intro "X s'engage(nt) à :" before bullets, a sentence "X s'engage(nt) à …", sub-headings that each name
one partner ("La caf de la Drôme": ``heading_party = "heading"``), sub-headings that name, in parentheses, the
services that follow the measures up ("Habitat (DDT)", under words saying they are "suivi par" those services), or
a heading that names the one partner whose contribution the section is ("La contribution du Département de la
Drôme", or a heading matching an annex listed under "ANNEXES" with its author: "Fiche volet santé … - ARS"). The
block starts at the section's heading when its first such words follow closely, else at those words; a section
with none stays unread, and perr add lists its lines.
"""

from __future__ import annotations

import re

from perr_graph.draft.context import DraftContext
from perr_graph.draft.document import BULLET, Line, is_heading, top_heading
from perr_graph.draft.draft import DraftBlock
from perr_graph.inputs.registry import SIGNATORIES
from perr_graph.read.signatories import is_name_line
from perr_graph.read.tables import doctype_of
from perr_graph.text import clean, fold

_PARTY_LINE = re.compile(
    r"^\s*[-•▪]\s*(?P<name>.+?),?\s+(?:représenté(?:e|s|es)?|représentée?s?)\s+par\b", re.I
)
_GLOSSARY = re.compile(
    r"(?:^|[;○▪•]|<p>|</p>)\s*(?P<code>[A-Z][A-Za-z]{0,7}(?:\s[A-Z]{1,4})?)\s*[:=]\s*"
    r"(?P<expansion>[^;○▪•<]{4,120})"
)
_ENGAGE = re.compile(r"s'engag(?:e|ent)\b", re.IGNORECASE)
_AUTHOR_WORDS = re.compile(r"contribution|fiche|annexe|volet", re.IGNORECASE)
#: a heading that announces the protocol's own engagements, naming no party
_ENGAGEMENTS = re.compile(r"(?:(?:les|nos) )?engagements?(?: (?:communs|reciproques|renforces))*\s*:?")


# --- list of parties, glossary ---------------------------------------------------------------------------------


def parties_list(ctx: DraftContext) -> tuple[int, int] | None:
    """The list of parties ("- La Ville de X, représentée par …"): each party found or proposed."""
    lines = [line for line in ctx.doc.lines if _PARTY_LINE.match(line.raw)]
    for line in lines:
        m = _PARTY_LINE.match(line.raw)
        if m:
            name = m.group("name").strip(" ,")
            ctx.parties.party(name, line.n, name, context=line.text)
    return (lines[0].n, lines[-1].n) if lines else None


def glossary(ctx: DraftContext) -> None:
    """Codes a glossary expands ("DDT : Direction départementale des territoires ; EN : Éducation nationale"),
    where a table or the text uses them: an alias of the partner the expansion names, or a proposed partner."""
    for line in ctx.doc.lines:
        pairs = [(m.group("code").strip(), clean(m.group("expansion"))) for m in _GLOSSARY.finditer(line.raw)]
        if len(pairs) < 2:
            continue
        for code, expansion in pairs:
            used = sum(
                1
                for other in ctx.doc.lines
                if other.n != line.n and re.search(r"(?<![\w])" + re.escape(code) + r"(?![\w])", other.raw)
            )
            if not used or ctx.parties.lookup(code) is not None:
                continue
            target = ctx.parties.find(expansion)
            if target is None and re.search(
                r"\b(?:direction|agence|caisse|mission|pole|communaute|education|banque|"
                r"office|conseil|service|centre|prefecture)\b",
                fold(expansion),
                re.I,
            ):
                target = ctx.parties.propose(expansion, line.n, expansion, context=line.text)
            if target is not None:
                ctx.parties.alias(code, target, line.n, f"glossary: {code} : {expansion}")
                if target not in ctx.parties.named and ctx.parties.category(target) != "service-etat":
                    pass
        if ctx.free(line.n):
            ctx.ignore(
                line.n, line.n, "glossary of codes: the organisations it names are in the registry (drafted)"
            )


def references(ctx: DraftContext) -> None:
    """Bullets that each name a document (a law, a circulaire, a pacte, a convention …) after an intro that says
    so ("s'appuie sur les documents suivants :"): a ``references`` block."""
    run: list[Line] = []
    for line in [*ctx.doc.lines, None]:
        if line is not None and line.kind == "bullet" and ctx.free(line.n):
            run.append(line)
            continue
        if line is not None and line.kind == "blank" and run:
            continue
        if run and all(doctype_of(BULLET.sub("", r.raw)) for r in run):
            intro = ctx.doc.previous_content(run[0].n)
            if intro is not None and re.search(r"document|r[ée]f[ée]rence|s'appuie", fold(intro.text), re.I):
                why = f"documents the protocol relies on, listed after line {intro.n}"
                ctx.add_block(DraftBlock("references", run[0].n, run[-1].n, {}, why))
        run = []


# --- signatures -------------------------------------------------------------------------------------------------


def signature_area(ctx: DraftContext) -> tuple[int, int] | None:
    """From the line after "Fait à …" (or a "Signatures" heading) to the last signature line, before any annex."""
    start = None
    for line in ctx.doc.lines:
        if line.n < len(ctx.doc) // 3:
            continue
        if re.match(r"^(?:##\s*)?(?:signatures?|les signataires\b)", fold(line.text).lower()) or re.match(
            r"^fait (?:a|en)\b", fold(line.text).lower()
        ):
            start = line.n
    if start is None:
        return None
    end = len(ctx.doc)
    for line in ctx.doc.lines[start:]:
        if re.match(r"^(?:#+\s*)?annexes?\b", fold(line.text).lower()):
            end = line.n - 1
            break
    first = ctx.doc.next_content(start, end)
    return (first.n, end) if first else None


def signatures(ctx: DraftContext) -> None:
    area = signature_area(ctx)
    if area is None:
        return
    lines = [ctx.doc.line(n) for n in range(area[0], area[1] + 1) if ctx.doc.line(n).kind != "blank"]
    html = [line for line in lines if line.raw.lstrip().startswith("<p>")]
    fors = [line for line in lines if re.match(r"^\**pour\s", line.raw.strip(), re.I)]
    names = [line for line in lines if any(is_name_line(c) for c in line.raw.split("\t") if c.strip())]
    names += [line for line in lines if _one_line(line)]
    if len(html) >= 2:
        reader, first, last = "signature-html", html[0].n, html[-1].n
    elif len(fors) >= max(2, len(names)):
        reader, first, last = "signature-for", fors[0].n, _continued(ctx, fors[-1].n, area[1])
    elif names:
        reader, first, last = "signature-blocks", lines[0].n, max(line.n for line in names)
    else:
        return
    for line in lines:
        if first <= line.n <= last:
            _signature_names(ctx, line)
    why = (
        f"the signature page ({reader}: "
        + {
            "signature-html": "<p>ORGANISATION post Name</p> lines)",
            "signature-for": "'Pour X' lines, no person written)",
            "signature-blocks": "posts then names; 'Pour X' lines; side-by-side columns; one-line 'Pour X, post, NAME')",
        }[reader]
    )
    ctx.add_block(DraftBlock(reader, first, last, {}, why))


def _one_line(line: Line) -> bool:
    parts = [p.strip() for p in line.text.split(", ")]
    return line.text.lower().startswith("pour ") and len(parts) >= 2 and is_name_line(parts[-1])


def _continued(ctx: DraftContext, n: int, end: int) -> int:
    """A "Pour …" line opened with ``**`` runs to the line that closes it."""
    if "**" not in ctx.doc.line(n).raw or ctx.doc.line(n).raw.rstrip().endswith("**"):
        return n
    for m in range(n + 1, end + 1):
        if ctx.doc.line(m).raw.rstrip().endswith("**"):
            return m
    return n


def _signature_names(ctx: DraftContext, line: Line) -> None:
    """The organisations a signature line names ("Pour X", "Pour X et pour Y, …"), found or proposed."""
    for cell in line.raw.split("\t"):
        text = clean(cell)
        if not re.match(r"^pour\s", text, re.I):
            continue
        head = text.split(", ")[0]
        for name in re.split(r"\s+et\s+(?=pour\s)", head, flags=re.IGNORECASE):
            name = re.sub(r"^pour\s+", "", name, flags=re.IGNORECASE).strip(" ,")
            name = re.sub(r"\s+et par délégation$", "", name)
            if name and not re.match(
                r"^(?:le|la)\s+(?:préfet|président|maire|directeur|directrice)\b", name, re.I
            ):
                ctx.parties.party(name, line.n, cell.strip(), context=text)


# --- prose ------------------------------------------------------------------------------------------------------


def prose(ctx: DraftContext, annexes: dict[int, str]) -> None:
    """Prose blocks, section by section (see the module docstring); ``annexes``: the line of each entry of a list
    of annexes → the partner it names as its author."""
    for zone in _zones(ctx):
        for section in _sections(ctx, zone, annexes):
            _block(ctx, section, annexes)


def annex_list(ctx: DraftContext) -> dict[int, str]:
    """Entries of a list of annexes that name their author ("- Fiche volet santé 2020-2022- ARS")."""
    out: dict[int, str] = {}
    under = False
    for line in ctx.doc.lines:
        if re.match(r"^(?:#+\s*)?annexes?\s*:?$", fold(line.text).lower()):
            under = True
            continue
        if under and line.kind == "bullet":
            partners = set(ctx.parties.covered(line.text) or [])
            hits = {a.target for a, _, _ in ctx.parties.table.search(line.text, ctx.parties.pid)}
            hits.discard("-")
            if len(hits) == 1 and not partners - hits:
                out[line.n] = hits.pop()
        elif under and line.kind not in ("blank", "bullet"):
            under = False
    return out


def _zones(ctx: DraftContext) -> list[list[Line]]:
    zones: list[list[Line]] = []
    current: list[Line] = []
    for line in ctx.doc.lines:
        if not ctx.free(line.n) or line.kind in ("footer", "toc", "table"):
            if current:
                zones.append(current)
            current = []
            continue
        if line.kind != "blank":
            current.append(line)
    if current:
        zones.append(current)
    return zones


def _sections(ctx: DraftContext, zone: list[Line], annexes: dict[int, str]) -> list[list[Line]]:
    """The zone cut at its first-level headings; a section that is one partner's contribution runs on over
    headings that name no other partner."""
    sections: list[list[Line]] = []
    author: str | None = None
    for line in zone:
        if line.kind == "heading" and top_heading(line) and ctx.parties.lookup(line.text) is None:
            named = _author(ctx, line, annexes)
            stops = named is not None or re.match(r"^(?:#+\s*)?(?:article|annexe)", fold(line.text), re.I)
            if author is None or stops:
                sections.append([])
                author = named
        if not sections:
            sections.append([])
        sections[-1].append(line)
    return sections


def _author(ctx: DraftContext, line: Line, annexes: dict[int, str]) -> str | None:
    """The partner a heading names as the author of its section: its own words ("La contribution du Département
    de la Drôme"), or an annex listed with its author whose words it shares ("VOLET SANTE")."""
    words = {w for w in re.findall(r"\w{4,}", fold(line.text).lower())} - {
        "pour",
        "dans",
        "avec",
        "contrat",
        "ville",
    }
    said = _AUTHOR_WORDS.search(fold(line.text))
    if said:  # the partner named right after "contribution de", "fiche", "volet"
        for alias, start, _end in ctx.parties.table.search(line.text, ctx.parties.pid):
            if alias.target not in ("-", SIGNATORIES) and 0 <= start - said.end() <= 12:
                return alias.target
    for n, partner in annexes.items():
        entry = {w for w in re.findall(r"\w{4,}", fold(ctx.doc.text(n)).lower())}
        if n < line.n and len(words & entry) >= 2:
            return partner
    return None


def _block(ctx: DraftContext, section: list[Line], annexes: dict[int, str]) -> None:
    head = section[0] if section[0].kind == "heading" else None
    subs = [line for line in section[1:] if line.kind == "heading" and is_heading(line.raw)]
    anchors = [line for line in section if _anchor(ctx, line)]
    keys: dict[str, object] = {}
    why = []
    author = _author(ctx, head, annexes) if head is not None else None
    if author is not None and head is not None:
        evidence_line = next((n for n, p in annexes.items() if p == author and n < head.n), head.n)
        keys.update(
            party=author,
            role="partie-qui-s-engage",
            rule="annex-author",
            evidence=clean(ctx.doc.line(evidence_line).raw).lstrip("- ").strip(),
            evidence_line=evidence_line,
        )
        why.append(f"the contribution of {ctx.parties.label(author)} (line {evidence_line})")
    elif len(named_subs := [s for s in subs if ctx.parties.find(s.text)]) >= 2:
        subs = named_subs
        keys["heading_party"] = "heading"
        why.append("sub-headings that each name a partner: the commitments under each are that partner's")
    elif head is not None and not anchors and _ENGAGEMENTS.fullmatch(fold(head.text).lower()):
        keys.update(
            party="@signatories",
            role="signataires-collectivement",
            rule="collective-signatories",
            evidence=head.text,
            evidence_line=head.n,
        )
        why.append(f"bullets under the heading {head.text!r} that name no party: the signatories together")
    elif subs and _parentheses(ctx, section, subs):
        keys.update(heading_party="parentheses", role="service-de-suivi", rule="annex-followup-service")
        why.append("measures under headings naming in parentheses the services that follow them up")
    elif not anchors:
        return
    if anchors:
        why.append(
            f"who commits: 's'engage(nt) à' at line{'s' if len(anchors) > 1 else ''} "
            + ", ".join(str(a.n) for a in anchors[:6])
            + (" …" if len(anchors) > 6 else "")
        )
    start = section[0]
    if head is None or (not keys and anchors and _gap(section, anchors[0]) > 4):
        start = anchors[0] if not keys else section[0]
        head = head if start is head else None
    if head is not None:
        keys = {"heading": head.n, **keys}
        ctx.label(head.n)
    inner = [s for s in subs if s.n > start.n]
    if inner:
        keys["headings"] = [s.n for s in inner]
        for s in inner:
            ctx.label(s.n)
    last = max(line.n for line in section)
    ctx.add_block(DraftBlock("prose", start.n, last, _ordered(keys), "prose: " + "; ".join(why)))


def _ordered(keys: dict[str, object]) -> dict[str, object]:
    order = ["heading", "headings", "heading_party", "party", "role", "rule", "evidence", "evidence_line"]
    return {k: keys[k] for k in sorted(keys, key=lambda k: order.index(k) if k in order else len(order))}


def _gap(section: list[Line], anchor: Line) -> int:
    return sum(1 for line in section if line.n < anchor.n)


def _anchor(ctx: DraftContext, line: Line) -> bool:
    """A line whose words say who commits: "X s'engage(nt) à" with X a partner the registry or the text knows."""
    if line.kind not in ("paragraph", "heading") or not _ENGAGE.search(fold(line.text)):
        return False
    phrase = re.split(r"s'engag", line.text, maxsplit=1, flags=re.IGNORECASE)[0]
    phrase = re.sub(r"^.*(?:\.|:)\s+", "", phrase)  # the sentence that holds the verb
    phrase = re.sub(r"^cela sera possible si\s+", "", phrase.strip(" ,"), flags=re.IGNORECASE)
    if not phrase or len(phrase.split()) > 12:
        return False
    if ctx.parties.find(phrase) or ctx.parties.covered(phrase):
        return True
    if (
        ", " in phrase
    ):  # "En matière de …, le Pays Voironnais": who commits is the last clause, or nobody known
        return ctx.parties.find(phrase.rsplit(", ", 1)[1]) is not None
    return ctx.parties.party(phrase, line.n, line.raw.strip()) is not None


def _parentheses(ctx: DraftContext, section: list[Line], subs: list[Line]) -> bool:
    """Sub-headings "Theme (SERVICE)" under words saying the measures are followed up ("suivi par")."""
    said = any(re.search(r"\bsuivi(?:e|s|es)? par\b", fold(line.text), re.I) for line in section[:4])
    named = all(re.search(r"\(([^)]+)\)\s*$", s.text) for s in subs)
    if not (said and named):
        return False
    for s in subs:
        m = re.search(r"\(([^)]+)\)\s*$", s.text)
        if m:
            for name in re.split(r"\s+et\s+|,\s*", m.group(1)):
                if ctx.parties.lookup(name.strip()) is None:
                    return False
    return True
