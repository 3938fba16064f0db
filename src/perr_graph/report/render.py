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
from perr_graph.report.style import CSS
from perr_graph.terminal import plain_value

TEMPLATES = Path(__file__).parent / "templates"


def _escape(value) -> Markup:
    """What a template prints: HTML as it is, anything else as escaped text (nothing for None)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape("" if value is None else str(value)))


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
    env.globals["lang"] = lang
    return env


class Site:
    """Writes the pages of one report into a folder, each in the frame of ``base.html.j2`` (inline styles, the
    navigation, the footer), and the tables each page offers for download (:mod:`perr_graph.report.downloads`)."""

    def __init__(self, out: Path, lang: str = "fr", sources: bool = True):
        self.out = Path(out)
        self.lang = lang
        self.sources = sources  # the source pages are written
        self.written: list[Path] = []

    def render(self, name: str, title: str, template: str, context: dict) -> str:
        frame = {
            "page_title": title,
            "here": name,
            "css": Markup(CSS),
            "version": __version__,
            "with_sources": self.sources,
        }
        clash = frame.keys() & context.keys()
        if clash:
            raise ValueError(f"{template}: the page context redefines the frame's {sorted(clash)}")
        return environment(self.lang).get_template(template).render(frame | context)

    def write(self, name: str, title: str, template: str, context: dict, downloads=None) -> Path:
        """Render ``template`` with ``context`` into ``out/name``, and the page's downloadable tables."""
        path = self.out / name
        path.write_text(self.render(name, title, template, context), encoding="utf-8")
        self.written.append(path)
        if downloads is not None:
            self.written += downloads.write(self.out)
        return path
