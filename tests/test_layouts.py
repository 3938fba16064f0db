"""The readers' layouts on small texts written for each rule (issue 12, point 1), and the accounting of every line
(point 2): legends that name their marks, marks that name a service, header text columns, rows cut across lines,
sections for lost headings, objectives tables of any columns, targets, signatures in one line or in columns,
ignored and unread lines, and a catalogue whose line count is wrong."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest

from perr_graph import cli, resources
from perr_graph.errors import ConfigError, PerrError
from perr_graph.inputs.catalogue import SourceText
from perr_graph.inputs.ontology import concept_slugs, ontology_graph
from perr_graph.inputs.registry import Registry
from perr_graph.read.objectives import read_targets, split_items
from perr_graph.read.protocol import read_protocol
from support import project

CONCEPTS = concept_slugs(ontology_graph(resources.ontology()))
PID = "demo"
#: names the demo texts use, scoped to the demo protocol as perr add would propose them
ALIASES = """\
Région,demo,region-ara,test
Département,demo,departement-drome,test
le Département,demo,departement-drome,test
Les signataires,demo,@signatories,test
Communauté d'agglomération,demo,ca-valence-romans-agglo,test
Ville de Valence,demo,ville-valence,test
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Registry:
    folder = tmp_path_factory.mktemp("registry")
    shutil.copytree(project.REGISTRY, folder, dirs_exist_ok=True)
    with (folder / "aliases.csv").open("a", encoding="utf-8") as f:
        f.write(ALIASES)
    return Registry.load(folder)


def read(tmp_path: Path, registry: Registry, text: str, config: str):
    lines = text.split("\n")
    raw = text.encode("utf-8")
    source = SourceText(tmp_path / "demo.txt", lines, hashlib.sha256(raw).hexdigest(), raw)
    cfg = tmp_path / "demo.toml"
    cfg.write_text(f'id = "{PID}"\nsource = "demo.txt"\n' + textwrap.dedent(config), encoding="utf-8")
    return read_protocol(cfg, registry, source, CONCEPTS)


def roles(c) -> dict[str, str]:
    return {i.partner: i.role for i in c.involvements}


MATRIX_TEXT = "\n".join(
    [
        "COHÉSION SOCIALE",  # 1
        "Légende : P = pilote (chef de file) ; A = partenaire associé.",  # 2
        "Orientations\tActions\tÉtat\tCR\tAutres",  # 3
        "Santé\tOuvrir une maison de santé\tP (ARS)\tA\tPE",  # 4
        "\tFinancer la coordination du contrat local\tA DRAC EN\t\t",  # 5
        "Culture\tDéployer une Micro-Folie dans les quartiers et",  # 6
        "\tpour les enfants des quartiers prioritaires\tP\tA\t",  # 7
        "Réunir la cellule de veille chaque trimestre\tA",  # 8 (shifted one cell to the left)
        "Page 2\t7",  # 9 (a page footer inside the table)
    ]
)
MATRIX_CONFIG = """\
[matrix]
legend = { line = 2, quote = "P = pilote (chef de file) ; A = partenaire associé" }
marks = { P = { role = "chef-de-file", rule = "matrix-stated-legend" }, A = { role = "partenaire-associe", rule = "matrix-stated-legend" } }
free = { role = "partenaire-associe", rule = "matrix-legend-column" }

[labels]
"COHÉSION SOCIALE" = { pillar = "cohesion-sociale", themes = [] }

[[ignore]]
lines = [9, 9]
reason = "page footer"

[[read]]
reader = "matrix"
lines = [1, 9]
heading = 1
header = 3
shift = { 8 = 1 }
"""


def test_a_legend_names_the_marks_and_a_mark_names_a_service(tmp_path, registry):
    p = read(tmp_path, registry, MATRIX_TEXT, MATRIX_CONFIG)
    by_line = {c.span.start: c for c in p.commitments}
    assert sorted(by_line) == [4, 5, 6, 8]
    # "P (ARS)" in the État column: the State acting through the ARS, the ARS lead with the State's column kept
    # beside it; the legend's line is evidence
    assert roles(by_line[4]) == {
        "ars-ara": "chef-de-file",
        "region-ara": "partenaire-associe",
        "pole-emploi": "partenaire-associe",
    }
    ars = next(i for i in by_line[4].involvements if i.partner == "ars-ara")
    assert ars.evidence == "P (ARS)" and ars.rule == "matrix-stated-legend" and ars.legend.start == 2
    assert ars.column == "etat"
    # "A DRAC EN": the State, through the DRAC and the Éducation nationale, associated
    assert {(i.partner, i.role, i.column) for i in by_line[5].involvements} == {
        ("drac-ara", "partenaire-associe", "etat"),
        ("education-nationale", "partenaire-associe", "etat"),
    }


def test_a_row_cut_across_two_lines_is_joined_with_the_marks_of_both(tmp_path, registry):
    p = read(tmp_path, registry, MATRIX_TEXT, MATRIX_CONFIG)
    c = {c.span.start: c for c in p.commitments}[6]
    assert (
        c.text == "Déployer une Micro-Folie dans les quartiers et pour les enfants des quartiers prioritaires"
    )
    assert (c.span.start, c.span.end) == (6, 7)
    assert roles(c) == {"etat": "chef-de-file", "region-ara": "partenaire-associe"}
    assert {i.span.start for i in c.involvements} == {7}  # each mark keeps its own line


def test_a_shifted_row_and_a_page_footer_inside_a_table(tmp_path, registry):
    p = read(tmp_path, registry, MATRIX_TEXT, MATRIX_CONFIG)
    by_line = {c.span.start: c for c in p.commitments}
    assert roles(by_line[8]) == {"etat": "partenaire-associe"} and 9 not in by_line
    assert p.coverage.content == 9 and p.coverage.ignored_count == 1 and not p.coverage.unread


def test_a_mark_the_legend_does_not_name_is_an_error(tmp_path, registry):
    text = MATRIX_TEXT.replace("P (ARS)", "CF (ARS)")
    with pytest.raises(PerrError) as exc:
        read(tmp_path, registry, text, MATRIX_CONFIG)
    assert exc.value.line == 4 and "carries no P/A mark" in str(exc.value)


def test_a_lost_heading_gets_the_section_its_block_supplies(tmp_path, registry):
    config = MATRIX_CONFIG.replace(
        "heading = 1\n",
        'section = { label = "cadre de vie (titre perdu)", pillar = "cadre-de-vie-renouvellement-urbain", '
        'note = "heading lost" }\n',
    )
    p = read(tmp_path, registry, MATRIX_TEXT, config)
    section = p.sections[0]
    assert section.span is None and section.pillar == "cadre-de-vie-renouvellement-urbain"
    assert all(c.pillar == "cadre-de-vie-renouvellement-urbain" for c in p.commitments)


OBJECTIVES_TEXT = "\n".join(
    [
        "EMPLOI",  # 1
        "Les signataires s'engagent à mettre en œuvre les actions ci-après.",  # 2
        "Objectifs\tActions\tIndicateurs",  # 3
        "<b>Rapprocher</b>\tTenir une permanence (pilote : Pôle emploi ; associés : Département, Ville de Valence)"
        "\t<p>Nombre de personnes reçues</p><p>Part des femmes : 30 % minimum</p>",  # 4
        '\tRepérer les jeunes (pilote : État – DIRECCTE)\t<ul style="list-style-type: none"><li>Jeunes '
        "accompagnés (cible : 60 par an)</li><li>Entrées en Garantie jeunes</li></ul>",  # 5
        "Objectifs\tActions\tIndicateurs",  # 6 (the header repeated after a page break)
        "\tOuvrir un espace (pilote : Communauté d'agglomération)\tCréations d'entreprises : 15 par marché  "
        "Ouverture de l'espace d'ici 2022",  # 7
    ]
)
OBJECTIVES_CONFIG = """\
[labels]
"EMPLOI" = { pillar = "developpement-economique-emploi", themes = ["emploi"] }

[[read]]
reader = "signature-for"
lines = [9, 9]

[[read]]
reader = "objectives-table"
lines = [1, 7]
heading = 1
header = 3
party = "@signatories"
role = "signataires-collectivement"
rule = "collective-signatories"
evidence = "Les signataires s'engagent à mettre en œuvre les actions ci-après"
evidence_line = 2
"""


def test_an_objectives_table_of_three_columns_with_pilots_in_parentheses(tmp_path, registry):
    text = OBJECTIVES_TEXT + "\n\nPour la Ville de Valence"
    p = read(tmp_path, registry, text, OBJECTIVES_CONFIG)
    by_line = {c.span.start: c for c in p.commitments}
    assert sorted(by_line) == [4, 5, 7]
    first = by_line[4]
    assert first.text == "Tenir une permanence"  # the parenthesis left out of the text
    assert roles(first) == {
        "pole-emploi": "chef-de-file",
        "departement-drome": "partenaire-associe",
        "ville-valence": "partenaire-associe",
    }
    assert next(i for i in first.involvements if i.partner == "pole-emploi").rule == "pilot-in-parentheses"
    assert roles(by_line[5]) == {
        "etat": "chef-de-file",
        "direccte-ara": "chef-de-file",
        "ville-valence": "signataires-collectivement",  # the block's party: the signatories together
    }
    assert by_line[7].objective == by_line[4].objective  # carried down over the repeated header


def test_several_indicators_per_cell_and_their_targets(tmp_path, registry):
    p = read(tmp_path, registry, OBJECTIVES_TEXT + "\n\nPour la Ville de Valence", OBJECTIVES_CONFIG)
    found = [
        (i.span.start, i.label, [(t.value, t.unit, t.year, t.per, t.minimum) for t in i.targets])
        for i in p.indicators
    ]
    assert found == [
        (4, "Nombre de personnes reçues", []),
        (4, "Part des femmes : 30 % minimum", [(30, "%", None, None, True)]),
        (5, "Jeunes accompagnés (cible : 60 par an)", [(60, "jeunes", None, "an", False)]),
        (5, "Entrées en Garantie jeunes", []),
        (7, "Créations d'entreprises : 15 par marché", [(15, "créations", None, "marché", False)]),
        (7, "Ouverture de l'espace d'ici 2022", [(None, "", 2022, None, False)]),
    ]


def test_read_targets_reads_counts_per_unit_and_years():
    def one(text):
        return [(t.value, t.unit, t.year, t.per) for t in read_targets(text)]

    assert one("Nombre de places créées (cible : 20 places d'ici 2022)") == [(20, "places", 2022, None)]
    assert one("Nombre d'entreprises signataires du PAQTE (cible : 10 par an)") == [
        (10, "entreprises", None, "an")
    ]
    assert one("Taux de vacance ramené à 10 % d'ici 2022") == [(10, "%", 2022, None)]
    assert one("Heures d'insertion : 5 % des heures travaillées") == [(5, "%", None, None)]
    assert one("1 action par an par quartier") == [(1, "action par an par quartier", None, None)]  # as before
    assert split_items("<ul><li>a</li><li>b</li></ul>") == ["a", "b"]


SIGNATURES = "\n".join(
    [
        "Pour l'État,\tPour la Région Auvergne-Rhône-Alpes,",  # 1
        "Pour le Préfet de la Drôme et par délégation,\tpour le Président du Conseil régional et par délégation,",
        "le Sous-préfet de Die\tla Vice-présidente déléguée à la politique de la ville",  # 3
        "",
        "Armand VESCOVALI\tHélène CAZENOBE",  # 5
        "",
        "Pour la Commune de Valence et pour Valence Romans Agglo, le Maire, Président de l'Agglo, Nicolas DARAGON",
        "",
        "Le Président du Conseil Départemental de la Drôme",  # 9
        "Marie-Pierre MOUTON",  # 10
    ]
)


def test_signatures_side_by_side_in_one_line_and_in_blocks(tmp_path, registry):
    config = '[[read]]\nreader = "signature-blocks"\nlines = [1, 10]\n'
    p = read(tmp_path, registry, SIGNATURES, config)
    got = {s.partner: (s.given, s.family, s.post) for s in p.signatories}
    assert got == {
        "etat": (
            "Armand",
            "VESCOVALI",
            "le Sous-préfet de Die",
        ),  # the "Pour …" lines are no part of the post
        "region-ara": ("Hélène", "CAZENOBE", "la Vice-présidente déléguée à la politique de la ville"),
        "ville-valence": ("Nicolas", "DARAGON", "le Maire, Président de l'Agglo"),
        "ca-valence-romans-agglo": ("Nicolas", "DARAGON", "le Maire, Président de l'Agglo"),
        "departement-drome": ("Marie-Pierre", "MOUTON", "Le Président du Conseil Départemental de la Drôme"),
    }


# --- every line accounted for ----------------------------------------------------------------------------------


def test_unread_lines_say_what_they_hold(tmp_path, registry):
    text = "\n".join(
        ["Préambule", "", "- la Ville de Valence s'engage le 3 mars 2020", "Texte\tcellule", "Fin"]
    )
    config = (
        '[[ignore]]\nlines = [1, 1]\nreason = "a heading"\n\n[[read]]\nreader = "amounts"\nlines = [5, 5]\n'
    )
    p = read(tmp_path, registry, text, config)
    c = p.coverage
    assert (c.content, c.read, c.ignored_count) == (4, 1, 1)
    assert [(s.start, signals) for s, signals in c.unread] == [
        (3, ["bullet", "s'engage", "date", "known organisation"]),
        (4, ["table cells"]),
    ]
    assert c.share == 0.5


def test_an_ignored_range_without_content_or_reason_is_refused(tmp_path, registry):
    text = "Titre\n\n\nFin"
    with pytest.raises(ConfigError) as exc:
        read(
            tmp_path,
            registry,
            text,
            '[[ignore]]\nlines = [2, 3]\nreason = "nothing"\n\n[[read]]\nreader = "amounts"\nlines = [1, 1]\n',
        )
    assert "hold no content" in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        read(
            tmp_path,
            registry,
            text,
            '[[ignore]]\nlines = [1, 1]\n\n[[read]]\nreader = "amounts"\nlines = [4, 4]\n',
        )
    assert "missing key 'reason'" in str(exc.value) and exc.value.line == 3


def test_the_five_account_for_every_content_line(protocols):
    for pid, p in protocols.items():
        assert p.coverage.share == 1.0 and not p.coverage.unread, pid
        assert all(reason.strip() for _, reason in p.coverage.ignored), pid


def test_stats_shows_coverage(capsys, built):
    assert cli.main(["stats", "--json"]) == 0
    import json

    records = json.loads(capsys.readouterr().out)
    assert {r["protocol"]: (r["coverage"], r["unread"]) for r in records} == {
        pid: (100.0, 0) for pid in ("loriol", "montelimar", "puy", "valence", "voiron")
    }


def test_a_wrong_line_count_in_the_catalogue_is_refused(tmp_path, capsys):
    folder = tmp_path / "corpus"
    assert cli.main(["init", str(folder), "--with-examples"]) == 0
    catalogue = folder / "sources" / "catalogue.csv"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace(",228\n", ",229\n"), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["--corpus", str(folder), "build"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert (
        err
        == f"perr build: {catalogue}:3: lines 229 for 'loriol', but 001_8c36ca10e46b7ce9.txt has 228 lines"
    )
