"""Keeping the catalogue in step with the code: extract every message the code and the templates use (Babel's
extractors: Python calls of ``_``, ``gettext``, ``ngettext``, ``N_``; Jinja2 templates through Jinja2's own
extractor), write the template ``locale/perr.pot``, and merge it into the French catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from perr_graph.i18n import DOMAIN, LOCALE, catalogue_path

#: the package whose files are searched for messages
PACKAGE = Path(__file__).resolve().parents[1]
OWN_UNDERSCORE = re.compile(r"^\s*def _\(", re.M)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "raw": None,
}


def _sources() -> list[tuple[Path, str]]:
    """The files to search, with their extraction method: the templates, and the Python modules that use the
    catalogue (they import :mod:`perr_graph.i18n`, or take it from the report's data, ``data.m``) — but not
    those that define a function of their own named ``_``: its calls are not messages of the catalogue."""
    files = [
        (p, "jinja2")
        for folder in ("report", "serve")
        for p in sorted((PACKAGE / folder / "templates").glob("*.j2"))
    ]
    for p in sorted(PACKAGE.rglob("*.py")):
        if "i18n" in p.relative_to(PACKAGE).parts:
            continue  # the examples in this package's docstrings are not messages
        text = p.read_text(encoding="utf-8")
        if ("perr_graph.i18n" in text or "data.m" in text) and not OWN_UNDERSCORE.search(text):
            files.append((p, "python"))
    return files


def extract():
    """A Babel catalog of every message found in the package, with where each is used."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalog = Catalog(project="perr-graph", domain=DOMAIN, charset="utf-8")
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "false"}
    for path, method in _sources():
        found = extract_from_file(
            method,
            str(path),
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            options=options if method == "jinja2" else None,
        )
        where = str(path.relative_to(PACKAGE))
        for lineno, message, comments, context in found:
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def read(lang: str):
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def update() -> list[str]:
    """Write ``locale/perr.pot`` from the code and merge it into the French catalogue; the ids still to
    translate."""
    from babel.messages.pofile import write_po

    template = extract()
    with (LOCALE / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, width=110, sort_output=True, omit_header=False, no_location=True)
    fr = read("fr") if catalogue_path("fr").exists() else None
    if fr is None:
        from babel.messages.catalog import Catalog

        fr = Catalog(locale="fr", domain=DOMAIN, project="perr-graph", charset="utf-8")
    fr.update(template, no_fuzzy_matching=True)
    fr.obsolete.clear()
    _french_header(fr)
    catalogue_path("fr").parent.mkdir(parents=True, exist_ok=True)
    with catalogue_path("fr").open("wb") as f:
        write_po(f, fr, width=110, sort_output=True, no_location=True)
    return [str(m.id) for m in fr if m.id and not m.string]


def _french_header(catalog) -> None:
    """French as gettext writes it: two plural forms, the singular for 0 and 1 (CLDR's third form, for exact
    millions, is not used), and a header that is not fuzzy (a fuzzy header is left out of the compiled
    catalogue, and the plural rule with it)."""
    catalog.fuzzy = False
    catalog.project = "perr-graph"
    catalog.version = ""
    catalog.copyright_holder = "perr-graph"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "perr-graph"
    catalog.language_team = "perr-graph"
    catalog._num_plurals = 2  # Babel reads them from the header; there is no public setter
    catalog._plural_expr = "(n > 1)"
