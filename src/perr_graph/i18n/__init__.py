"""What the project says to people, in French (the default) and English: the one message catalogue.

Owns the gettext catalogues (``locale/perr.pot``, the template extracted from the code and the templates;
``locale/fr/LC_MESSAGES/perr.po``, its French translation) and the language-aware formatting of numbers. Message
ids are the English text, so English needs no catalogue of its own; every id has a French translation (a test
holds the catalogue to the messages the code and templates use).

Use, from any room (report pages, ``perr compare``, validation messages, the query page)::

    from perr_graph.i18n import N_, messages

    TITLE = N_("Commitments by pillar and territory")   # marked at definition, translated where shown
    m = messages(lang)                                   # "fr" or "en"; cached
    m._(TITLE)                                           # "Engagements par pilier et par territoire"
    m._("%(n)s protocols", n=m.number(5))                 # values by name, never pasted into the id
    m.ngettext("%(num)s protocol", "%(num)s protocols", n)
    m.number(1234.5)                                     # "1 234,5" in French, "1,234.5" in English

Jinja2 templates get the same catalogue through Jinja2's ``i18n`` extension (:meth:`Messages.install`):
``{{ _("Compare") }}``, ``{{ ngettext(...) }}``. Labels of concepts (pillars, themes, roles, partner categories)
are not messages: they are the ontology's ``skos:prefLabel`` in the language asked for
(:mod:`perr_graph.analysis.concepts`).

After adding or changing a message: ``python -m perr_graph.i18n`` extracts the template again and merges it into
the French catalogue (new messages come out untranslated; the test says which), then translate them in
``locale/fr/LC_MESSAGES/perr.po``.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from perr_graph.errors import InputError

#: the languages the project speaks, the default first
LANGUAGES = ("fr", "en")
DEFAULT = "fr"
DOMAIN = "perr"
LOCALE = Path(__file__).parent / "locale"
#: Babel's locale names for number formatting
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is defined; it is translated where it is shown."""
    return message


def check_language(lang: str | None) -> str:
    """``lang`` if the project speaks it (None: the default), else an input error naming the choices."""
    if lang is None:
        return DEFAULT
    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}: choose {' or '.join(LANGUAGES)}")
    return lang


def catalogue_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _load(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``: its ``.po`` catalogue compiled in memory by Babel (no binary file kept), or
    none for English, whose messages are their ids."""
    path = catalogue_path(lang)
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@dataclass(frozen=True)
class Messages:
    """The catalogue in one language: messages (:meth:`gettext`, alias ``_``; :meth:`ngettext`) and numbers."""

    lang: str
    translations: gettext.NullTranslations

    def gettext(self, message: str, **values: object) -> str:
        """The message in this language, its ``%(name)s`` filled from ``values`` (a literal ``%`` is ``%%``,
        as in Jinja2's templates, which format every message)."""
        return self.translations.gettext(message) % values

    _ = gettext

    def pgettext(self, context: str, message: str, **values: object) -> str:
        """A message whose id is also used elsewhere with another meaning, told apart by ``context``."""
        return self.translations.pgettext(context, message) % values

    def npgettext(self, context: str, singular: str, plural: str, n: int, **values: object) -> str:
        text = self.translations.npgettext(context, singular, plural, n)
        values.setdefault("num", self.number(n))
        return text % values

    def raw(self, message: str) -> str:
        """The message in this language as written, placeholders left in (for a script that fills them)."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self.translations.ngettext(singular, plural, n)
        values.setdefault("num", self.number(n))
        return text % values

    def number(self, value: object, digits: int = 1) -> str:
        """A number as people of the language write it (``1 234,5`` / ``1,234.5``), at most ``digits``
        decimals; anything else as text, None as nothing."""
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        if isinstance(value, int) or value.is_integer():  # the common case, without Babel's parser
            text = f"{int(value):,}"
            return text.replace(",", "\u202f") if self.lang == "fr" else text
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=_LOCALES[self.lang])

    def percent(self, value: object, digits: int = 1) -> str:
        """A share already in percent (``12.5``) as ``12,5 %`` / ``12.5%``."""
        if value is None or value == "":
            return ""
        n = self.number(float(value), digits)  # type: ignore[arg-type]
        return f"{n}\u202f%" if self.lang == "fr" else f"{n}%"

    def install(self, env) -> None:
        """Give a Jinja2 environment (with the ``jinja2.ext.i18n`` extension) this catalogue, new-style: values
        are passed by name and escaped, and ``num`` is the count of ``ngettext``."""
        env.install_gettext_translations(self.translations, newstyle=True)


@cache
def messages(lang: str = DEFAULT) -> Messages:
    """The catalogue in ``lang`` (``fr`` or ``en``), loaded once per process."""
    lang = check_language(lang)
    return Messages(lang, _load(lang))
