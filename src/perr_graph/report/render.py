"""Pages from templates: the Jinja2 environment of the report (``templates/*.html.j2``) and the writer of a page.

Autoescape is on, and every value a template prints goes through :func:`html.escape` (``&#x27;`` for a quote,
as the pages have always been written), not through MarkupSafe's own escaping (``&#39;``); HTML made by code (the
SVG pictures) is passed as :class:`markupsafe.Markup`. Jinja2 escapes a literal printed as such (``{{ "…" }}``)
when it compiles the template, with MarkupSafe: the templates write their words as text, not as printed literals.

``trim_blocks`` and ``lstrip_blocks`` are on, so a line holding only a ``{% … %}`` tag leaves nothing in the page.
In the templates, ``{#- #}`` at the start of a line joins it to the line above (an element the page writes on one
line, written over several in the template), and ``+%}`` keeps the line break after a tag.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from perr_graph import __version__
from perr_graph.i18n import messages
from perr_graph.report.downloads import ASSETS, XLSX_SCRIPT, inline_json
from perr_graph.report.style import CSS
from perr_graph.terminal import plain_value

TEMPLATES = Path(__file__).parent / "templates"


def _escape(value) -> Markup:
    """What a template prints: HTML as it is, anything else as escaped text (nothing for None)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape("" if value is None else str(value)))


_NO_LINK = object()


def _href(v):
    """A cell's link target as the templates read ``v.href`` (an attribute, else a key), or ``_NO_LINK``."""
    href = getattr(v, "href", _NO_LINK)
    if href is _NO_LINK and isinstance(v, dict):
        href = v.get("href", _NO_LINK)
    return href


def table_body(t, number) -> Markup:
    """The rows of a :class:`perr_graph.report.downloads.DataTable` as the page shows them (``t.shown``), as HTML:
    what a template loop over the cells wrote, written here because a national report holds millions of cells
    (Jinja2 spends several microseconds on each). A cell is a link (``href``), a number formatted by ``number`` in
    a numeric column, or escaped text."""
    esc = html.escape
    numeric = t.numeric
    out = []
    for row in t.shown:
        out.append("<tr>")
        for j, v in enumerate(row):
            is_num = j in numeric
            out.append('<td class="num">' if is_num else "<td>")
            href = _href(v)
            if href is not _NO_LINK:
                text = v.get("text") if isinstance(v, dict) else v.text
                out.append(f'<a href="{esc(_plain(href))}">{esc(_plain(text))}</a></td>')
            elif is_num:
                out.append(f"{esc(number(v))}</td>")
            else:
                out.append(f"{_escape(v)}</td>")
        out.append("</tr>")
    return Markup("".join(out))


def _plain(value) -> str:
    return "" if value is None else str(value)


@cache
def environment(lang: str = "fr") -> jinja2.Environment:
    """The report's Jinja2 environment in ``lang`` (templates read from the package, undefined names are errors,
    messages from :mod:`perr_graph.i18n` through Jinja2's ``i18n`` extension)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_escape,
        extensions=["jinja2.ext.i18n"],
    )
    m = messages(lang)
    m.install(env)
    # numbers as people of the language write them; format(value, spec) for the rest
    env.filters["num"] = m.number
    env.filters["pct"] = m.percent
    env.filters["plain"] = plain_value
    env.filters["fmt"] = format
    env.globals["zip"] = zip
    env.globals["table_body"] = lambda t: table_body(t, m.number)
    env.globals["lang"] = lang
    env.globals["xlsx_ready"] = XLSX_SCRIPT.is_file()
    return env


class Site:
    """Writes the pages of one report into a folder, each in the frame of ``base.html.j2`` (inline styles, the
    navigation, the footer), with the rows of the tables each page offers for download
    (:mod:`perr_graph.report.downloads`)."""

    def __init__(self, out: Path, lang: str = "fr", sources: bool = True):
        self.out = Path(out)
        self.lang = lang
        self.sources = sources  # the source pages are written
        self.written: list[Path] = []

    def render(self, name: str, title: str, template: str, context: dict, downloads=None) -> str:
        payload = downloads.payload() if downloads is not None else None
        frame = {
            "page_title": title,
            "here": name,
            "css": Markup(CSS),
            "version": __version__,
            "with_sources": self.sources,
            "tables_json": inline_json(payload) if payload else None,
        }
        clash = frame.keys() & context.keys()
        if clash:
            raise ValueError(f"{template}: the page context redefines the frame's {sorted(clash)}")
        return environment(self.lang).get_template(template).render(frame | context)

    def write(self, name: str, title: str, template: str, context: dict, downloads=None) -> Path:
        """Render ``template`` with ``context`` into ``out/name``, with the rows of the page's downloadable tables
        (:class:`perr_graph.report.downloads.Downloads`)."""
        path = self.out / name
        path.write_text(self.render(name, title, template, context, downloads), encoding="utf-8")
        self.written.append(path)
        return path


def write_assets(out: Path) -> list[Path]:
    """The scripts the pages load from ``out/assets/``: ``tables.js`` (the tables' downloads) and, when it is
    installed, write-excel-file (their XLSX workbooks); the paths written."""
    folder = Path(out) / ASSETS
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "tables.js"]
    written[0].write_text((TEMPLATES / "tables.js").read_text(encoding="utf-8"), encoding="utf-8")
    if XLSX_SCRIPT.is_file():
        written.append(folder / XLSX_SCRIPT.name)
        written[-1].write_bytes(XLSX_SCRIPT.read_bytes())
        written.append(folder / "write-excel-file.LICENSE")
        written[-1].write_bytes((XLSX_SCRIPT.parent / "LICENSE").read_bytes())
    return written
