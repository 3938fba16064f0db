"""What validation says to people, in French (the default) and English.

Messages are identified by their English text, as gettext does (``msgid``), and translated by the project's one
message catalogue (:mod:`perr_graph.i18n`); values go in by name (``%(label)s``).
"""

from __future__ import annotations

from rdflib.namespace import SH

from perr_graph.i18n import LANGUAGES, N_, messages

#: every message validation shows (their French is in the project's catalogue, perr_graph.i18n); values go in
#: by name. Some are chosen at run time (by constraint component, severity), so all are listed here.
MESSAGES = (
    N_("violation"),
    N_("violations"),
    N_("warning"),
    N_("warnings"),
    N_("info"),
    N_("infos"),
    N_("conforms"),
    N_("does not conform"),
    N_("threshold: %(level)s"),
    N_("%(verdict)s (%(threshold)s): %(counts)s in %(units)s"),
    N_("%(n)s protocol"),
    N_("%(n)s protocols"),
    N_("(no source line)"),
    N_("note: %(note)s"),
    N_("wrote %(file)s: %(verdict)s (%(n)s results at or above %(level)s; %(counts)s)"),
    N_("Validating"),
    N_("engine: %(engine)s"),
    N_("no %(path)s"),
    N_("%(count)s values of %(path)s, at least %(min)s expected"),
    N_("%(count)s values of %(path)s, at most %(max)s expected: %(values)s"),
    N_("%(value)s is not of type %(datatype)s"),
    N_("%(value)s is not a %(class)s"),
    N_("%(value)s is not a %(kind)s"),
    N_("%(value)s is not among %(allowed)s"),
    N_("%(expected)s missing from %(path)s"),
    N_("%(value)s does not match %(pattern)s"),
    N_("%(value)s is shorter than %(n)s characters"),
    N_("%(value)s is longer than %(n)s characters"),
    N_("%(value)s is below %(limit)s"),
    N_("%(value)s is not above %(limit)s"),
    N_("%(value)s is above %(limit)s"),
    N_("%(value)s is not below %(limit)s"),
    N_("%(value)s is not in %(languages)s"),
    N_("two values of %(path)s in one language"),
    N_("%(value)s differs from %(other)s"),
    N_("%(value)s is also a value of %(other)s"),
    N_("%(value)s is not below %(other)s"),
    N_("%(value)s is above %(other)s"),
    N_("%(value)s: %(why)s"),
    N_("%(value)s does not conform to %(shape)s"),
    N_("%(value)s conforms to a shape it must not conform to"),
    N_("%(value)s conforms to none of the shapes"),
    N_("%(value)s does not conform to all the shapes"),
    N_("%(value)s conforms to more than one shape"),
    N_("fewer than %(n)s values of %(path)s of the expected kind"),
    N_("more than %(n)s values of %(path)s of the expected kind"),
    N_("property %(path)s not allowed: %(value)s"),
    N_("the quote %(value)s is not in the lines of the source"),
    N_("%(value)s"),
    N_("the constraint %(component)s of %(shape)s is not met"),
)


def check_language(lang: str) -> str:
    from perr_graph.errors import InputError

    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}: choose fr or en")
    return lang


def tr(lang: str, msgid: str, **values: object) -> str:
    """``msgid`` in ``lang`` (English: itself), with ``values`` put in."""
    return messages(lang)._(msgid, **values)


def no_value(lang: str, what: str) -> str:
    """ "no pillar" / "pas de pilier" ("pas d'objectif" before a vowel)."""
    if lang == "fr" and what[:1].lower() in "aeiouyhéèêàâîôû":
        return f"pas d'{what}"
    return tr(lang, "no %(path)s", path=what)


def severity_word(lang: str, severity: object, plural: bool = False) -> str:
    word = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}.get(severity, "violation")  # type: ignore[call-overload]
    return tr(lang, word + ("s" if plural else ""))


def counts_text(lang: str, counts: dict) -> str:
    """``3 violations, 1 warning, 0 infos`` in ``lang``."""
    return ", ".join(
        f"{counts[s]} {severity_word(lang, s, counts[s] != 1)}" for s in (SH.Violation, SH.Warning, SH.Info)
    )
