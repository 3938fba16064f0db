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
from perr_graph.outputs import write_atomic
from perr_graph.report.style import CSS
from perr_graph.terminal import plain_value

TEMPLATES = Path(__file__).parent / "templates"


def _escape(value) -> Markup:
    """What a template prints: HTML as it is, anything else as escaped text (nothing for None)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape("" if value is None else str(value)))


@cache
def environment() -> jinja2.Environment:
    """The report's Jinja2 environment (templates read from the package, undefined names are errors)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_escape,
    )
    # numbers as in the terminal tables; format(value, spec) for the rest
    env.filters["num"] = plain_value
    env.filters["fmt"] = format
    env.globals["zip"] = zip
    return env


class Site:
    """Writes the pages of one report into a folder, each in the frame of ``base.html.j2`` (inline styles, the
    navigation between pages and protocols, the footer)."""

    def __init__(self, out: Path, protocols: list[tuple[str, str]]):
        self.out = Path(out)
        self.protocols = protocols  # (protocol id, territory name), in the order of the navigation

    def render(self, name: str, title: str, template: str, context: dict) -> str:
        frame = {
            "page_title": title,
            "here": name,
            "css": Markup(CSS),
            "version": __version__,
            "protocol_links": [(f"protocol-{pid}.html", label) for pid, label in self.protocols],
        }
        clash = frame.keys() & context.keys()
        if clash:
            raise ValueError(f"{template}: the page context redefines the frame's {sorted(clash)}")
        return environment().get_template(template).render(frame | context)

    def write(self, name: str, title: str, template: str, context: dict) -> Path:
        """Render ``template`` with ``context`` into ``out/name``, atomically."""
        path = self.out / name
        write_atomic(path, [self.render(name, title, template, context)])
        return path
