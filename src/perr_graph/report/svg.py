"""Pictures for the report, written as SVG text with the standard library only (no plotting library)."""

from __future__ import annotations

import math
from html import escape

import networkx as nx

from perr_graph.analysis.network import colour, short_label
from perr_graph.i18n import messages


def _f(x: float) -> str:
    return f"{x:.1f}"


def edges(g: nx.Graph) -> list[tuple[str, str, dict]]:
    """The edges of ``g`` as ``(a, b, data)`` with ``a < b``, sorted: an undirected edge's endpoints come out of
    networkx in the order its nodes were added, which the picture must not depend on."""
    return sorted(((min(a, b), max(a, b), d) for a, b, d in g.edges(data=True)), key=lambda e: e[:2])


def network_svg(
    g: nx.Graph,
    pos: dict[str, tuple[float, float]],
    title: str,
    width: int = 960,
    height: int = 620,
    labels: int = 24,
    lang: str = "fr",
) -> str:
    """The partner network: a node per organisation (area ~ commitments involving it, colour = category), a line
    per pair of organisations sharing commitments (width ~ log of the number shared). The ``labels`` nodes with
    the largest weighted degree are labelled; every node has a tooltip. ``pos``: positions in [0, 1]² (from
    :func:`perr_graph.analysis.network.layout`)."""
    pad_x, pad_top, pad_bottom = 70, 30, 30
    m = messages(lang)

    def xy(n):
        x, y = pos[n]
        return pad_x + x * (width - 2 * pad_x), pad_top + y * (height - pad_top - pad_bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    max_w = max((d["weight"] for _, _, d in g.edges(data=True)), default=1)
    out.append('<g stroke="#7d8797" stroke-linecap="round">')
    for a, b, d in sorted(edges(g), key=lambda e: (e[2]["weight"], e[0], e[1])):
        (x1, y1), (x2, y2) = xy(a), xy(b)
        w = 0.6 + 3.2 * math.log1p(d["weight"]) / math.log1p(max_w)
        op = 0.18 + 0.42 * math.log1p(d["weight"]) / math.log1p(max_w)
        tip = m.ngettext(
            "%(a)s — %(b)s: %(num)s commitment shared",
            "%(a)s — %(b)s: %(num)s commitments shared",
            d["weight"],
            a=g.nodes[a]["label"],
            b=g.nodes[b]["label"],
        )
        out.append(
            f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke-width="{w:.2f}" '
            f'stroke-opacity="{op:.2f}"><title>{escape(tip)}</title></line>'
        )
    out.append("</g>")
    strength = {n: g.degree(n, weight="weight") for n in g}
    labelled = set(sorted(g, key=lambda n: (-strength[n], n))[:labels])
    out.append('<g stroke="#ffffff" stroke-width="1.2">')
    for n in sorted(g, key=lambda n: (g.nodes[n].get("commitments", 0), n)):
        x, y = xy(n)
        d = g.nodes[n]
        r = 3.5 + 1.7 * math.sqrt(d.get("commitments", 1))
        tip = m._(
            "%(label)s (%(category)s): involved in %(commitments)s commitment(s), leads %(leads)s; "
            "%(partners)s partner(s) in common commitments",
            label=d["label"],
            category=d.get("category_label") or d["category"],
            commitments=d.get("commitments", 0),
            leads=d.get("leads", 0),
            partners=g.degree(n),
        )
        out.append(
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{r:.1f}" fill="{colour(d["category"])}">'
            f"<title>{escape(tip)}</title></circle>"
        )
    out.append("</g>")
    out.append(
        '<g font-size="11.5" fill="#1d2433" stroke="#ffffff" stroke-width="3" paint-order="stroke" '
        'stroke-linejoin="round">'
    )
    out += _labels(g, labelled, strength, xy, width, height)
    out.append("</g></svg>")
    return "\n".join(out)


def _labels(g: nx.Graph, labelled: set, strength: dict, xy, width: int, height: int) -> list[str]:
    """Labels, most connected first, each put right, left, above or below its dot where it overlaps no label
    placed before and no other dot; a label that fits nowhere is left to the tooltip."""
    out: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    dots = []
    for n in g:
        x, y = xy(n)
        r = 3.5 + 1.7 * math.sqrt(g.nodes[n].get("commitments", 1))
        dots.append((n, x - r, y - r, x + r, y + r))

    def free(box, own) -> bool:
        x1, y1, x2, y2 = box
        if x1 < 2 or x2 > width - 2 or y1 < 2 or y2 > height - 2:
            return False
        for b in boxes:
            if x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2:
                return False
        for m, a1, b1, a2, b2 in dots:
            if m != own and x1 < a2 and a1 < x2 and y1 < b2 and b1 < y2:
                return False
        return True

    for n in sorted(labelled, key=lambda n: (-strength[n], n)):
        x, y = xy(n)
        d = g.nodes[n]
        r = 3.5 + 1.7 * math.sqrt(d.get("commitments", 1))
        text = short_label(d["label"], n)
        w, _h = 6.3 * len(text) + 2, 14
        for anchor, tx, ty in (
            ("start", x + r + 3, y + 4),
            ("end", x - r - 3, y + 4),
            ("middle", x, y - r - 4),
            ("middle", x, y + r + 12),
        ):
            left = tx if anchor == "start" else tx - w if anchor == "end" else tx - w / 2
            box = (left, ty - 11, left + w, ty + 3)
            if free(box, n):
                boxes.append(box)
                out.append(f'<text x="{_f(tx)}" y="{_f(ty)}" text-anchor="{anchor}">{escape(text)}</text>')
                break
    return out


def shares_svg(rows: list[dict], names: dict[str, str], lang: str = "fr", width: int = 720) -> str:
    """Horizontal bars: per territory, the share of commitments with a known lead and with an indicator."""
    m = messages(lang)
    title = escape(m._("Share of commitments with a known lead and with an indicator"))
    bar_h, gap, left, top = 13, 16, 235, 34
    height = top + len(rows) * (2 * bar_h + gap) + 10
    scale = (width - left - 60) / 100
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{title}" font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{title}</title>",
        f'<rect x="{left}" y="8" width="11" height="11" fill="#1f4e9c"/>'
        f'<text x="{left + 16}" y="18">{escape(m._("with a known lead"))}</text>',
        f'<rect x="{left + 170}" y="8" width="11" height="11" fill="#2e8b57"/>'
        f'<text x="{left + 186}" y="18">{escape(m._("with an indicator"))}</text>',
    ]
    for pct in (0, 25, 50, 75, 100):
        x = left + pct * scale
        out.append(
            f'<line x1="{_f(x)}" y1="{top - 4}" x2="{_f(x)}" y2="{height - 8}" stroke="#e3e7ee"/>'
            f'<text x="{_f(x)}" y="{height}" text-anchor="middle" fill="#6b7385" font-size="10">{escape(m.percent(pct, 0))}</text>'
        )
    for i, r in enumerate(rows):
        y = top + i * (2 * bar_h + gap)
        out.append(
            f'<text x="{left - 10}" y="{y + bar_h + 3}" text-anchor="end">{escape(names.get(r["protocol"], r["protocol"]))}</text>'
        )
        for j, (key, fill) in enumerate((("lead_share", "#1f4e9c"), ("indicator_share", "#2e8b57"))):
            v = float(r[key] or 0)
            yy = y + j * bar_h
            out.append(
                f'<rect x="{left}" y="{yy}" width="{_f(max(v * scale, 0.5))}" height="{bar_h - 2}" '
                f'fill="{fill}"><title>{escape(names.get(r["protocol"], r["protocol"]))}: {escape(m.percent(v))}</title></rect>'
                f'<text x="{_f(left + v * scale + 5)}" y="{yy + bar_h - 3}" font-size="11" '
                f'fill="#36405a">{escape(m.percent(v))}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)
