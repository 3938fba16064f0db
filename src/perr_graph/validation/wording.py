"""What validation says to people, in French (the default) and English.

Messages are identified by their English text, as gettext does (``msgid``), and translated by :data:`FRENCH`;
values go in by name (``%(label)s``). When the project's message catalogue (``perr_graph.i18n``) is on the main
line, these entries move there unchanged.
"""

from __future__ import annotations

from rdflib.namespace import SH

LANGUAGES = ("fr", "en")

FRENCH = {
    # severities, counts, verdicts
    "violation": "violation",
    "violations": "violations",
    "warning": "avertissement",
    "warnings": "avertissements",
    "info": "information",
    "infos": "informations",
    "conforms": "conforme",
    "does not conform": "non conforme",
    "threshold: %(level)s": "seuil : %(level)s",
    "%(verdict)s (%(threshold)s): %(counts)s in %(units)s": "%(verdict)s (%(threshold)s) : %(counts)s dans %(units)s",
    "%(n)s protocol": "%(n)s protocole",
    "%(n)s protocols": "%(n)s protocoles",
    "(no source line)": "(pas de ligne source)",
    "note: %(note)s": "note : %(note)s",
    "wrote %(file)s: %(verdict)s (%(n)s results at or above %(level)s; %(counts)s)": "%(file)s écrit : "
    "%(verdict)s (%(n)s résultats de niveau %(level)s ou plus ; %(counts)s)",
    "Validating": "Validation",
    "engine: %(engine)s": "moteur : %(engine)s",
    # what a constraint found (details of a result)
    "no %(path)s": "pas de %(path)s",
    "%(count)s values of %(path)s, at least %(min)s expected": "%(count)s valeurs de %(path)s, au moins %(min)s "
    "attendues",
    "%(count)s values of %(path)s, at most %(max)s expected: %(values)s": "%(count)s valeurs de %(path)s, au plus "
    "%(max)s attendues : %(values)s",
    "%(value)s is not of type %(datatype)s": "%(value)s n'est pas de type %(datatype)s",
    "%(value)s is not a %(class)s": "%(value)s n'est pas un(e) %(class)s",
    "%(value)s is not a %(kind)s": "%(value)s n'est pas un(e) %(kind)s",
    "%(value)s is not among %(allowed)s": "%(value)s ne fait pas partie de %(allowed)s",
    "%(expected)s missing from %(path)s": "%(expected)s manque dans %(path)s",
    "%(value)s does not match %(pattern)s": "%(value)s ne suit pas le motif %(pattern)s",
    "%(value)s is shorter than %(n)s characters": "%(value)s fait moins de %(n)s caractères",
    "%(value)s is longer than %(n)s characters": "%(value)s dépasse %(n)s caractères",
    "%(value)s is below %(limit)s": "%(value)s est inférieur à %(limit)s",
    "%(value)s is not above %(limit)s": "%(value)s n'est pas supérieur à %(limit)s",
    "%(value)s is above %(limit)s": "%(value)s est supérieur à %(limit)s",
    "%(value)s is not below %(limit)s": "%(value)s n'est pas inférieur à %(limit)s",
    "%(value)s is not in %(languages)s": "%(value)s n'est pas en %(languages)s",
    "two values of %(path)s in one language": "deux valeurs de %(path)s dans une même langue",
    "%(value)s differs from %(other)s": "%(value)s diffère de %(other)s",
    "%(value)s is also a value of %(other)s": "%(value)s est aussi une valeur de %(other)s",
    "%(value)s is not below %(other)s": "%(value)s n'est pas inférieur à %(other)s",
    "%(value)s is above %(other)s": "%(value)s est supérieur à %(other)s",
    "%(value)s: %(why)s": "%(value)s : %(why)s",
    "%(value)s does not conform to %(shape)s": "%(value)s n'est pas conforme à %(shape)s",
    "%(value)s conforms to a shape it must not conform to": "%(value)s est conforme à une forme qu'il ne doit "
    "pas suivre",
    "%(value)s conforms to none of the shapes": "%(value)s n'est conforme à aucune des formes",
    "%(value)s does not conform to all the shapes": "%(value)s n'est pas conforme à toutes les formes",
    "%(value)s conforms to more than one shape": "%(value)s est conforme à plus d'une forme",
    "fewer than %(n)s values of %(path)s of the expected kind": "moins de %(n)s valeurs de %(path)s du type attendu",
    "more than %(n)s values of %(path)s of the expected kind": "plus de %(n)s valeurs de %(path)s du type attendu",
    "property %(path)s not allowed: %(value)s": "propriété %(path)s non permise : %(value)s",
    "the quote %(value)s is not in the lines of the source": "la citation %(value)s n'est pas dans les lignes de "
    "la source",
    "%(value)s": "%(value)s",
    "the constraint %(component)s of %(shape)s is not met": "la contrainte %(component)s de %(shape)s n'est pas "
    "respectée",
}


def check_language(lang: str) -> str:
    from perr_graph.errors import InputError

    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}: choose fr or en")
    return lang


def tr(lang: str, msgid: str, **values: object) -> str:
    """``msgid`` in ``lang`` (English: itself), with ``values`` put in."""
    text = FRENCH.get(msgid, msgid) if lang == "fr" else msgid
    return text % values if values else text


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
