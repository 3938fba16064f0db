"""Each reader on the real sources. The expected numbers were counted by hand in data/sources/*.txt; the comments
say where, so a reviewer can recount."""

from collections import Counter

import pytest

from perr_graph.read.objectives import read_targets, split_items
from perr_graph.read.signatories import is_name_line, split_name


def in_lines(protocol, first, last):
    return [c for c in protocol.commitments if first <= c.span.start <= last]


# --- commitments per document and section -------------------------------------------------------------------

EXPECTED_COMMITMENTS = {
    # protocol: [(first line, last line, count, what was counted)]
    "valence": [
        (327, 336, 7, "pillar économie: rows 330-336, line 333 holds two items run together"),
        (338, 347, 7, "pillar cadre de vie: rows 341-347, line 343 holds two items"),
        (
            349,
            360,
            9,
            "pillar cohésion: 352, 353 (continued at 355), two more <p> at 355, two <p> at 356, 358-360",
        ),
        (362, 377, 10, "axes transversaux: rows 365-377"),
        (411, 482, 14, "ARS annex: bullets 427-433 and 449-464 (empty bullets skipped)"),
        (
            486,
            578,
            39,
            "Département's contribution: 6+6+6+3+2 / 3+3 / 4+4 bullets (line 578 has no final newline), and its "
            "two paragraphs 'Le Département de la Drôme contribuera' (l.488), 'Le Département s'impliquera' (l.500)",
        ),
    ],
    "loriol": [
        (21, 79, 8, "Article 2: commune l.35, CAF bullets 57-65 (60 runs on at 62), partners l.79"),
        (97, 105, 4, "économie matrix rows 102-105"),
        (107, 122, 10, "cohésion matrix rows 112-122"),
        (124, 130, 3, "cadre de vie matrix rows 128-130"),
        (
            135,
            228,
            39,
            "Département's contribution, with the extra 'filière du numérique' bullet (l.228), and l.137 "
            "'contribuera', l.149 's'impliquera'",
        ),
    ],
    "montelimar": [
        (57, 66, 6, "ENGAGEMENTS: six ▶ bullets, sub-bullets 60-61 merged into 59"),
        (110, 132, 14, "EMPLOI and EMPLOI (suite): rows 114-124 and 130-132"),
        (134, 148, 11, "PREVENTION ET SECURITE rows 138-148"),
        (150, 165, 12, "EDUCATION ET PARENTALITE rows 154-165"),
        (167, 182, 12, "SOLIDARITE ET LIEN SOCIAL rows 171-182"),
        (184, 192, 5, "CADRE DE VIE rows 188-192"),
        (194, 200, 3, "LOGEMENT rows 198-200"),
    ],
    "voiron": [
        (
            29,
            62,
            15,
            "n°1: 3 territorial partners' bullets, actors l.35, 37, 41, Pays Voironnais l.47, 7 State bullets, 1 CAF",
        ),
        (63, 94, 17, "n°2: 3 + actors l.71, 75 + 3 State + 9 CAF"),
        (95, 119, 10, "n°3: 3 + actor l.106 + 5 State + 1 CAF"),
        (120, 145, 12, "n°4: 3 + carriers l.127, 131 + 3 State + 4 ARS"),
        (
            146,
            171,
            13,
            "n°5: 3 + l.150 (two sentences, two commitments) + l.155 + 4 State + 1 CAF + 2 Pays Voironnais",
        ),
    ],
    "puy": [
        (40, 53, 1, "l.49: les services de l'Etat et de la CAPeV s'engagent"),
        (55, 107, 21, "section 3: 5 + 2 + 4 + 3 + 4 + 3 bullets"),
        (109, 111, 1, "l.111: les partenaires s'engagent"),
        (141, 253, 34, "annex 1: 2 + 4 + 8 + 2 + 4 + 7 + 7 measures"),
        (254, 272, 9, "annex 2: 6 adultes-relais posts and 3 FONJEP posts"),
    ],
}


@pytest.mark.parametrize("pid", sorted(EXPECTED_COMMITMENTS))
def test_commitments_per_section(protocols, pid):
    p = protocols[pid]
    for first, last, count, what in EXPECTED_COMMITMENTS[pid]:
        assert len(in_lines(p, first, last)) == count, f"{pid} lines {first}-{last}: {what}"
    assert len(p.commitments) == sum(x[2] for x in EXPECTED_COMMITMENTS[pid])


def test_every_commitment_has_text_pillar_and_a_span(protocols):
    for p in protocols.values():
        for c in p.commitments:
            assert c.text and c.pillar, (p.pid, c.key)
            assert c.span.start <= c.span.end


# --- leads -----------------------------------------------------------------------------------------------------


def leads(c):
    """The chefs de file: role chef-de-file only (a committing party is not a lead)."""
    return {i.partner for i in c.involvements if i.role == "chef-de-file"}


def committing(c):
    return {i.partner for i in c.involvements if i.role == "partie-qui-s-engage"}


def test_montelimar_uppercase_x_is_the_lead_and_rows_without_it_have_none(protocols):
    p = protocols["montelimar"]
    # rows whose marks are all lowercase x or codes (counted in lines 114-200)
    no_uppercase = {118, 154, 157, 163, 164, 175, 177, 178, 181, 188, 189, 190, 191, 192, 198, 199, 200}
    for c in in_lines(p, 110, 200):
        if c.span.start == 130:  # lowercase marks, but "nouvelle action … portée par Pole Emploi"
            assert leads(c) == {"pole-emploi"}
            assert any(i.rule == "explicit-words" for i in c.involvements)
        elif c.span.start in no_uppercase:
            assert leads(c) == set(), c.span.start
        else:
            assert leads(c), c.span.start
    by_line = {c.span.start: c for c in p.commitments}
    # line 159: four uppercase X (E, Vi, Caf, Agg): four co-leads
    assert leads(by_line[159]) == {"etat", "ville-montelimar", "caf-drome", "ca-montelimar-agglomeration"}
    # line 180: "X DRAC" in the State's column: the State leads through the DRAC; "DCP" (no mark): role not stated
    roles = {i.partner: (i.role, i.column) for i in by_line[180].involvements}
    assert roles == {
        "drac-ara": ("chef-de-file", "etat"),
        "cd26-dcp": ("role-non-precise", "departement-drome"),
    }
    # the "Autres" column lists associated partners (legend, line 89)
    assert {i.partner: i.role for i in by_line[114].involvements}["pole-emploi"] == "partenaire-associe"
    # line 64 "politiques portées par le conseil départemental": the Département carries the policies, no lead
    assert leads(by_line[64]) == set()
    assert ("departement-drome", "structure-porteuse") in {
        (i.partner, i.role) for i in by_line[64].involvements
    }


def test_montelimar_shifted_row_124_reads_with_its_marks_under_the_right_columns(protocols):
    c = {c.span.start: c for c in protocols["montelimar"].commitments}[124]
    roles = {i.partner: (i.role, i.evidence) for i in c.involvements}
    assert roles == {
        "etat": ("chef-de-file", "X"),
        "ville-montelimar": ("chef-de-file", "X"),
        "caf-drome": ("chef-de-file", "X"),
        "cd26-deei": ("role-non-precise", "DE EI"),
        "ca-montelimar-agglomeration": ("partenaire-associe", "x"),
    }
    assert c.text.startswith("Lever un des freins")


def test_loriol_marks_have_no_role_because_the_text_states_no_convention(protocols):
    p = protocols["loriol"]
    for c in in_lines(p, 97, 130):
        for i in c.involvements:
            if i.rule not in ("scheme-carrier", "inline-commitment"):
                assert i.role == "role-non-precise" and i.rule == "matrix-mark-without-convention"
    by_line = {c.span.start: c for c in p.commitments}
    # "(CTEAC) portée par la CCVD" names the convention's carrier: the CCVD's mark stays, the words add
    assert leads(by_line[114]) == set()
    assert {i.role for i in by_line[114].involvements if i.partner == "cc-val-de-drome"} == {
        "role-non-precise",
        "structure-porteuse",
    }
    # "l'État s'engage à" inside the cell adds a committing party; the mark X stays
    etat = [(i.role, i.rule, i.evidence) for i in by_line[128].involvements if i.partner == "etat"]
    assert etat == [
        ("role-non-precise", "matrix-mark-without-convention", "X"),
        ("partie-qui-s-engage", "inline-commitment", "l'État s'engage à"),
    ]
    assert not any(leads(c) for c in p.commitments)  # the stated reading invents no lead


def test_voiron_committing_parties(protocols):
    p = protocols["voiron"]
    by_line = {c.span.start: c for c in p.commitments}
    assert committing(by_line[33]) == {"partenaires-territoriaux-voiron"}
    assert committing(by_line[51]) == {"etat"}
    assert committing(by_line[61]) == {"caf-isere"}  # the CAF of the Isère, not of the Drôme
    assert committing(by_line[141]) == {"ars-ara"}
    assert committing(by_line[47]) == {"ca-pays-voironnais"}  # inline "le Pays Voironnais s'engage à"
    assert not any(leads(c) for c in p.commitments)  # the text names no chef de file
    # every commitment has a committing party, but l.127 and l.131, whose actor carries a scheme
    assert sorted(c.span.start for c in p.commitments if not committing(c)) == [127, 131]


def test_puy_signatories_together_and_follow_up_services(protocols):
    p = protocols["puy"]
    by_line = {c.span.start: c for c in p.commitments}
    collective = by_line[61]
    assert {i.partner for i in collective.involvements} == {s.partner for s in p.signatories}
    assert {i.role for i in collective.involvements} == {"signataires-collectivement"}
    assert leads(collective) == set()
    assert leads(by_line[89]) == set()  # "portée par l'ARS" qualifies another action: the ARS carries it
    assert {i.partner: i.role for i in by_line[147].involvements} == {"ddt-haute-loire": "service-de-suivi"}
    assert leads(by_line[203]) == {"departement-haute-loire"}  # "coordonnée par le Conseil départemental"
    assert by_line[263].involvements == []  # "Structure en cours d'identification": nobody named


def test_lead_counts_per_protocol(protocols):
    with_lead = {pid: sum(1 for c in p.commitments if leads(c)) for pid, p in protocols.items()}
    assert with_lead == {
        "valence": 0,  # no chef de file anywhere: the tables are the signatories', the annexes partners' own
        "loriol": 0,  # marks without a legend; "portée par la CCVD" names the CTEAC's carrier
        "montelimar": 40,  # 57 matrix rows minus 17 without uppercase mark; l.130 by explicit words
        "voiron": 0,  # committing parties only
        "puy": 3,  # "coordonnée par" at 203, 215, 237
    }
    with_party = {pid: sum(1 for c in p.commitments if committing(c)) for pid, p in protocols.items()}
    assert with_party == {
        "valence": 53,  # ARS annex 14 + Département 39
        "loriol": 48,  # Article 2 (8) + Département 39 + l.128
        "montelimar": 0,
        "voiron": 65,  # all but the carriers at l.127 and l.131
        "puy": 2,  # l.49, l.111
    }


# --- indicators and targets --------------------------------------------------------------------------------


def test_valence_indicators_and_targets(protocols):
    p = protocols["valence"]
    # 21 Indicateurs cells (one per <p>, lines 330-370), two of them holding two indicators each (l.341, l.367),
    # and the health annex's two criteria (lines 474, 476)
    assert len(p.indicators) == 25
    assert [i.of_objective for i in p.indicators if i.span.start > 400] == ["L417", "L417"]
    by_key = {i.key: i for i in p.indicators}
    assert [(t.value, t.unit, t.year) for t in by_key["L341"].targets] == [(20, "%", None), (25, "%", 2020)]
    assert [(t.value, t.unit, t.year) for t in by_key["L341-2"].targets] == [(50, "%", None)]
    assert [(t.value, t.unit) for t in by_key["L342"].targets] == [(1, "action par an par quartier")]
    assert [(t.value, t.year) for t in by_key["L368"].targets] == [(None, 2022)]
    # a row with several items: its indicators measure the objective, not a guessed item
    assert by_key["L355"].of_objective is not None and by_key["L355"].of_commitments == []
    assert all(not i.targets for i in p.indicators if i.key == "L330")
    assert sum(len(x.indicators) for pid, x in protocols.items() if pid != "valence") == 0


def test_read_targets_reads_only_what_is_written():
    assert read_targets("Nombre de jeunes") == []
    assert [(t.value, t.year) for t in read_targets("passer à 25% en 2020")] == [(25, 2020)]
    assert [(t.value, t.unit) for t in read_targets("Valence : 7% dont 2% seniors")] == [(7, "%"), (2, "%")]


def test_split_items_on_paragraphs_and_lost_line_breaks():
    assert split_items("<p>A b</p> <p>C d</p>") == ["<p>A b</p>", "<p>C d</p>"]
    assert split_items("Faire vivre la charte  Proposer des stages") == [
        "Faire vivre la charte",
        "Proposer des stages",
    ]
    assert split_items("  ") == []


# --- signatories ---------------------------------------------------------------------------------------------


def test_signatory_counts(protocols):
    assert {pid: len(p.signatories) for pid, p in protocols.items()} == {
        "valence": 13,  # lines 22-34, again 381-394
        "loriol": 0,  # the text lists no signatory
        "montelimar": 16,  # "Pour …" lines 205-238, no person written
        "voiron": 17,  # blocks 175-236
        "puy": 4,  # blocks 115-139
    }


def test_valence_signatory_spelled_two_ways_keeps_both(protocols):
    vrh = {s.partner: s for s in protocols["valence"].signatories}["vrh"]
    assert {vrh.family, *(a.family for a in vrh.also)} == {"HOBORG", "HOBERG"}


def test_one_person_signs_for_two_organisations(protocols):
    monnot = [s.partner for s in protocols["voiron"].signatories if s.family == "MONNOT"]
    assert sorted(monnot) == ["absise", "pluralis"]


def test_montelimar_signatories_have_no_person(protocols):
    assert all(s.family is None for s in protocols["montelimar"].signatories)


def test_name_parsing():
    assert split_name("monsieur Hugues MOUTOUH") == ("Hugues", "MOUTOUH")
    assert split_name("BEFFRE Lionel") == ("Lionel", "BEFFRE")
    assert split_name("Nicolas de MAISTRE") == ("Nicolas", "de MAISTRE")
    assert is_name_line("JEAN Marie-Elisabeth")
    assert not is_name_line("Le Préfet de la Haute-Loire,")


# --- territories, populations, amounts, references, statistics ------------------------------------------------


def test_qpv_named_per_protocol(protocols):
    assert {pid: sorted(t for t, _ in p.qpv) for pid, p in protocols.items()} == {
        "valence": [
            "centre-ancien-romans",
            "chamberliere",
            "hauts-de-valence",
            "polygone",
            "quartier-est-romans",
            "valensolles",
        ],
        "loriol": ["coeur-de-loriol"],
        "montelimar": [],  # the text names no QPV, only "6653 habitants en QPV"
        "voiron": ["brunetiere"],
        "puy": ["guitard", "val-vert"],
    }
    assert sorted(t for t, _ in protocols["valence"].watch) == [
        "bourg-de-peage",
        "bourg-les-valence",
        "portes-les-valence",
    ]


def test_conflicting_populations_are_kept_as_two_statements(protocols):
    polygone = [
        (f.value, f.span.start) for f in protocols["valence"].populations if f.territory == "polygone"
    ]
    assert sorted(polygone) == [(1930, 126), (2190, 124)]


def test_amounts(protocols):
    amounts = {pid: sorted(a.value for a in p.amounts) for pid, p in protocols.items()}
    assert amounts["valence"] == [200_000_000]
    assert amounts["loriol"] == [10_000]
    assert amounts["montelimar"] == [500, 3050, 4270]
    assert amounts["puy"] == [
        3000,
        3104,
        16500,
        55903,
        1_400_000,
        1_500_000,
        2_700_000,
        4_700_000,
        30_000_000,
    ]
    parrainage = next(a for a in protocols["montelimar"].amounts if a.value == 4270)
    assert parrainage.commitment == "L121"


def test_referenced_documents(protocols):
    refs = protocols["valence"].references
    assert len(refs) == 15  # 6 documents de référence (72-77) + 9 annexes (401-409)
    cia = next(r for r in refs if "Convention Intercommunale" in r.title)
    assert (cia.doctype, cia.date) == ("convention", "2018-07-18")
    assert Counter(r.doctype for r in protocols["montelimar"].references) == Counter(
        {"loi": 2, "circulaire": 1, "contrat": 1, "evaluation": 1}
    )


def test_valence_statistics_tables(protocols):
    tables = protocols["valence"].statistics
    assert [len(t.rows) for t in tables] == [5, 6, 5, 5, 6, 6]
    first = tables[0].rows[0]
    assert first.statistic == "Taux de pauvreté (au seuil de 60 %)"  # footnote mark removed
    assert [(o.territory, o.value, o.unit) for o in first.observations] == [
        ("hauts-de-valence", 46, "%"),
        ("valence", 21, "%"),
    ]


def test_objective_lists(protocols):
    labels = {pid: [o.label for o in p.objectives] for pid, p in protocols.items()}
    # Montélimar THEMATIQUES (lines 72-77) and transversal priorities (81-83); intros ending with ':' skipped
    assert labels["montelimar"] == [
        "Emploi",
        "Prévention et sécurité",
        "Education et parentalité",
        "Cadre de vie et environnement",
        "Solidarité et lien social",
        "Logement",
        "égalité femmes/hommes, notamment une vigilance doit être portée sur l'accès des "
        "femmes aux actions mises en place",
        "la jeunesse",
        "la prévention contre toutes les discriminations",
    ]
    assert len(labels["puy"]) == 3  # the three préconisations, lines 32-34
    assert len(labels["loriol"]) == 6  # santé, culture, tranquillité publique + 3 transversal priorities
    # Valence: 8 orientations of 2015 (218-246) + 4 transversal axes (252-255) + 6 Article 2 items (262-269; the
    # intros at 261 and 267 end with ':')
    assert len([o for o in protocols["valence"].objectives if o.span.start < 300]) == 18


def test_evidence_is_verbatim(protocols, sources):
    """Evidence words read from a commitment's text stand in that text as written (accents, punctuation)."""
    for pid, p in protocols.items():
        for c in p.commitments:
            for i in c.involvements:
                if i.rule in ("explicit-words", "inline-commitment"):
                    words = i.evidence.split(" | ")[-1]
                    assert words in c.text, (pid, c.key, words)


def test_montelimar_health_rows_take_their_enjeu_themes(protocols):
    by_line = {c.span.start: c for c in protocols["montelimar"].commitments}
    assert [by_line[n].themes for n in (171, 172, 173, 174)] == [["sante"]] * 4
    assert "centre-ancien-montelimar" in by_line[178].places  # named in its enjeu


def test_amount_purpose_stays_inside_its_table_cell(protocols):
    permis = next(a for a in protocols["montelimar"].amounts if a.value == 500)
    assert "\t" not in permis.purpose and "Mission Locale" not in permis.purpose
