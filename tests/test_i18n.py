"""The message catalogue (perr_graph.i18n): every message the code and the templates use is in the French
catalogue and translated, placeholders and plurals agree, and the concepts' labels come from the ontology."""

from __future__ import annotations

import pytest

from perr_graph.errors import InputError
from perr_graph.i18n import LOCALE, check_language, messages
from perr_graph.i18n.catalogue import extract, read


def ids(catalog) -> set:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def test_catalogue_holds_exactly_the_messages_in_use():
    used, french = ids(extract()), ids(read("fr"))
    assert sorted(map(str, used - french)) == [], "run: python -m perr_graph.i18n, then translate"
    assert sorted(map(str, french - used)) == [], "messages no longer used: run python -m perr_graph.i18n"
    assert len(used) > 250


def test_every_message_is_translated_and_agrees_with_its_id():
    catalog = read("fr")
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n > 1)"
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert untranslated == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []


def test_template_file_lists_the_same_messages():
    from babel.messages.pofile import read_po

    with (LOCALE / "perr.pot").open("rb") as f:
        template = read_po(f)
    assert ids(template) == ids(extract())


def test_messages_in_both_languages():
    fr, en = messages("fr"), messages("en")
    assert fr._("Compare") == "Comparer" and en._("Compare") == "Compare"
    assert fr.ngettext("%(num)s protocol", "%(num)s protocols", 1) == "1 protocole"
    assert fr.ngettext("%(num)s protocol", "%(num)s protocols", 0) == "0 protocole"  # French: 0 is singular
    assert en.ngettext("%(num)s protocol", "%(num)s protocols", 0) == "0 protocols"
    assert fr.ngettext("%(num)s protocol", "%(num)s protocols", 1234) == "1\u202f234 protocoles"
    assert fr.number(1234.5) == "1\u202f234,5" and en.number(1234.5) == "1,234.5"
    assert fr.percent(60.7) == "60,7\u202f%" and en.percent(60.7) == "60.7%"
    assert fr._("%% with a lead") == "% avec chef de file"
    assert "%(num)s" in fr.raw("%(num)s commitment found")


def test_unknown_language_is_an_input_error():
    assert check_language(None) == "fr"
    with pytest.raises(InputError):
        messages("de")


def test_concept_labels_come_from_the_ontology(store):
    from perr_graph.analysis.concepts import Concepts

    concepts = Concepts.read(store)
    assert concepts.label("pillar", "cohesion-sociale", "fr") == "cohésion sociale"
    assert concepts.label("pillar", "cohesion-sociale", "en") == "social cohesion"
    assert concepts.label("role", "chef-de-file", "fr") == "chef de file"
    roles = concepts.roles()
    assert roles[:2] == ["chef-de-file", "partie-qui-s-engage"]
    assert set(roles) == set(concepts.by_scheme["role"])


def test_a_role_added_to_the_vocabulary_shows_without_code(store):
    """A role the code has never heard of (issue 11 will add some) is shown, with its labels, after the known
    ones."""
    from perr_graph.analysis.answers import run
    from perr_graph.analysis.concepts import Concepts

    _, rows = run(store, "concepts")
    extra = dict(next(r for r in rows if r["notation"] == "chef-de-file"))
    extra.update(notation="co-pilote", label_fr="co-pilote", label_en="co-pilot", concept="x")
    concepts = Concepts.of([*rows, extra])
    assert concepts.roles()[-1] == "co-pilote" or "co-pilote" in concepts.roles()
    assert concepts.label("role", "co-pilote", "en") == "co-pilot"
    assert concepts.roles(["unknown-role"])[-1] == "unknown-role"
