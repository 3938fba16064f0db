"""Who leads what, whole and true (issue 11), on the real five protocols.

Every involvement of the graph is in the answer of ``who-leads-what``, in the column of its role, with its mark or
words as written; leads are chefs de file only; what a document states and what a hypothesis reads into it are
kept apart (``reading=stated`` / ``reading=all``); a mark keeps its column and the service it names; words add
to the marks, never hide them; prose actors are committing parties; partners' contributions are counted apart.
Each expectation below was checked by hand against the source line it names.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from perr_graph.sparql import library as queries
from perr_graph.sparql.run import run_local
from support import golden

ID = "https://w3id.org/perr-graph/id/"
STATE_MONTELIMAR = {"partner": ID + "org/etat", "protocol": ID + "protocol/montelimar"}
COLUMN = {
    "chef de file": "leads",
    "partie qui s'engage": "committing_parties",
    "partenaire associé": "associated",
}


def answer(store, name: str, params: dict | None = None) -> list[dict]:
    q = queries.find(name)
    header, *rows = golden.normalise(run_local(store, q, params or {}), q.text)
    return [dict(zip(header, r, strict=True)) for r in rows]


def entries(row: dict, column: str) -> list[str]:
    return [e for e in row[column].split(" ; ") if e]


_INVOLVEMENTS = """
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?commitment ?partner ?column ?role ?evidence ?hypothesis WHERE {
  GRAPH ?g { { ?commitment perr:involvement ?i } UNION { ?commitment perr:inferredInvolvement ?i }
             ?i perr:partner ?p ; perr:role ?r ; perr:evidence ?evidence . }
  GRAPH <https://w3id.org/perr-graph/graph/registry> { ?p skos:prefLabel ?partner }
  GRAPH <https://w3id.org/perr-graph/graph/ontology> { ?r skos:prefLabel ?role FILTER(LANG(?role) = "fr") }
  OPTIONAL { GRAPH ?g { ?i perr:columnPartner ?c }
             GRAPH <https://w3id.org/perr-graph/graph/registry> { ?c skos:prefLabel ?column } }
  OPTIONAL { GRAPH ?g { ?i perr:hypothesis ?h }
             GRAPH <https://w3id.org/perr-graph/graph/ontology> { ?h skos:notation ?hypothesis } }
}"""


@pytest.fixture(scope="module")
def involvements(store) -> list[dict]:
    rows = [
        {
            k: (v.value if v is not None else "")
            for k, v in zip(
                ("commitment", "partner", "column", "role", "evidence", "hypothesis"),
                (r[x] for x in ("commitment", "partner", "column", "role", "evidence", "hypothesis")),
                strict=True,
            )
        }
        for r in store.query(_INVOLVEMENTS)
    ]
    for r in rows:
        r["commitment"] = "id:" + r["commitment"][len(ID) :]
    return rows


@pytest.mark.parametrize("reading", ["stated", "all"])
def test_every_involvement_is_in_the_answer(store, involvements, reading):
    """Each involvement is an entry "<partner> (<role> : <mark or words>)" in the column of its role; the
    signatories collectively are one entry "les N signataires", N their number; inferred ones only with
    reading=all, marked with their hypothesis."""
    rows = {r["commitment"]: r for r in answer(store, "who-leads-what", {"reading": reading})}
    collective: Counter = Counter()
    shown = 0
    for inv in involvements:
        if inv["hypothesis"] and reading == "stated":
            continue
        row = rows[inv["commitment"]]
        if inv["role"] == "signataires collectivement":
            collective[inv["commitment"]] += 1
            continue
        name = f"{inv['column']} : {inv['partner']}" if inv["column"] else inv["partner"]
        mark = f", déduit, hypothèse {inv['hypothesis']}" if inv["hypothesis"] else ""
        entry = f"{name} ({inv['role']}{mark} : {inv['evidence']})"
        assert entry in entries(row, COLUMN.get(inv["role"], "other_involvements")), (inv, row)
        shown += 1
    for commitment, n in collective.items():
        assert any(
            e.startswith(f"les {n} signataires (") for e in entries(rows[commitment], "other_involvements")
        )
    assert shown + sum(collective.values()) == len(
        [i for i in involvements if reading == "all" or not i["hypothesis"]]
    )
    # nothing else is shown: as many entries as involvements (the collective counted once per commitment)
    listed = sum(
        len(entries(r, c))
        for r in rows.values()
        for c in ("leads", "committing_parties", "associated", "other_involvements")
    )
    assert listed == shown + len(collective)


def test_no_commitment_with_an_involvement_shows_an_empty_row(store, involvements):
    involved = {i["commitment"] for i in involvements if not i["hypothesis"]}
    for row in answer(store, "who-leads-what"):
        filled = any(row[c] for c in ("leads", "committing_parties", "associated", "other_involvements"))
        assert filled == (row["commitment"] in involved), row


def test_leads_are_chefs_de_file_only(store):
    rows = answer(store, "who-leads-what")
    for row in rows:
        assert all("(chef de file" in e for e in entries(row, "leads")), row
        assert all("(partie qui s'engage" in e for e in entries(row, "committing_parties")), row
    # Pays Voironnais names no chef de file: every commitment but two (carriers only) has a committing party
    voiron = [r for r in rows if r["protocol"] == "id:protocol/voiron"]
    assert not any(r["leads"] for r in voiron)
    assert sorted(r["line"] for r in voiron if not r["committing_parties"]) == ["127", "131"]


def test_the_stated_reading_invents_no_loriol_lead(store):
    rows = [r for r in answer(store, "who-leads-what") if r["protocol"] == "id:protocol/loriol"]
    assert rows and not any(r["leads"] for r in rows)
    assert not any("déduit" in r[c] for r in rows for c in r)


def test_with_the_hypothesis_16_of_the_17_loriol_matrix_rows_get_a_lead(store):
    rows = [
        r
        for r in answer(store, "who-leads-what", {"reading": "all"})
        if r["protocol"] == "id:protocol/loriol"
    ]
    matrix = [r for r in rows if 99 <= int(r["line"]) <= 131]
    assert len(matrix) == 17
    led = [r for r in matrix if r["leads"]]
    assert len(led) == 16
    assert [r["line"] for r in matrix if not r["leads"]] == ["103"]  # l.103: only lowercase x
    for r in led:
        assert all(
            "(chef de file, déduit, hypothèse convention-de-montelimar : " in e for e in entries(r, "leads")
        )
    # l.128: the marks ETAT X, Ville X, CR X are read as three chefs de file, the État's words stay its commitment
    l128 = next(r for r in matrix if r["line"] == "128")
    assert {e.split(" (")[0] for e in entries(l128, "leads")} == {
        "État",
        "Commune de Loriol-sur-Drôme",
        "Région Auvergne-Rhône-Alpes",
    }
    assert entries(l128, "committing_parties") == ["État (partie qui s'engage : l'État s'engage à)"]


def test_inferred_involvements_live_in_their_own_graph_with_their_hypothesis(store):
    q = """
    PREFIX perr: <https://w3id.org/perr-graph/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?g (COUNT(?i) AS ?n) (COUNT(?act) AS ?generated) (COUNT(?stated) AS ?from) WHERE {
      GRAPH ?g { ?i a perr:InferredInvolvement ; prov:wasGeneratedBy ?act ; perr:inferredFrom ?stated ;
                    perr:hypothesis <https://w3id.org/perr-graph/concept/hypothesis/convention-de-montelimar> } }
    GROUP BY ?g"""
    rows = [(r["g"].value, int(r["n"].value), int(r["generated"].value)) for r in store.query(q)]
    assert rows == [("https://w3id.org/perr-graph/graph/inferences/loriol", 51, 51)]
    used = """
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX perr: <https://w3id.org/perr-graph/ontology#>
    SELECT ?source ?line WHERE { GRAPH <https://w3id.org/perr-graph/graph/inferences/loriol> {
      ?act prov:used ?premise . ?premise prov:wasDerivedFrom ?e . ?e oa:hasSource ?source ; perr:lineStart ?line } }"""
    premises = {(r["source"].value.rsplit("/", 1)[1], int(r["line"].value)) for r in store.query(used)}
    assert {("loriol", 99), ("loriol", 100), ("montelimar", 87), ("montelimar", 89)} <= premises


def test_partner_leads_the_state_in_montelimar_leads_29_commitments(store):
    """002 l.112-200: 29 uppercase marks in the E column ("E = Etat et les services qui lui sont rattachés",
    l.89): 21 "X", 4 "X ARS" (l.171-174), 2 "X DRAC" (l.180, 182), "X EN" (l.155), "X ddf" (l.144)."""
    rows = answer(store, "partner-leads", STATE_MONTELIMAR)
    assert len({r["commitment"] for r in rows}) == 29
    via = Counter(r["via"] for r in rows)
    assert via == {
        "id:org/etat": 21,
        "id:org/ars-ara": 4,
        "id:org/drac-ara": 2,
        "id:org/education-nationale": 1,
        "id:org/ddf-drome": 1,
    }
    alone = answer(store, "partner-leads", {**STATE_MONTELIMAR, "rollup": "no"})
    assert len({r["commitment"] for r in alone}) == 21


def test_a_mark_keeps_its_column_and_the_service_it_names(protocols):
    by_line = {c.span.start: c for c in protocols["montelimar"].commitments}
    ars = [i for i in by_line[171].involvements if i.partner == "ars-ara"]
    assert [(i.role, i.column, i.evidence) for i in ars] == [("chef-de-file", "etat", "X ARS")]
    ms = [i for i in by_line[171].involvements if i.partner == "cd26-ms"]
    assert [(i.role, i.column, i.evidence) for i in ms] == [("role-non-precise", "departement-drome", "MS")]


def test_words_add_never_hide(protocols):
    loriol = {c.span.start: c for c in protocols["loriol"].commitments}
    # 001 l.128: "ETAT X, Ville X, CR X" and "l'État s'engage à": all four kept
    assert {(i.partner, i.role) for i in loriol[128].involvements} == {
        ("etat", "role-non-precise"),
        ("ville-loriol-sur-drome", "role-non-precise"),
        ("region-ara", "role-non-precise"),
        ("etat", "partie-qui-s-engage"),
    }
    # 001 l.114: "(CTEAC) portée par la CCVD" names the convention's carrier, not the row's lead
    ccvd = {(i.role, i.rule) for i in loriol[114].involvements if i.partner == "cc-val-de-drome"}
    assert ccvd == {
        ("role-non-precise", "matrix-mark-without-convention"),
        ("structure-porteuse", "scheme-carrier"),
    }
    # 004 l.89: "portée par l'ARS" qualifies the HAS-standard médiation action: the same rule
    puy = {c.span.start: c for c in protocols["puy"].commitments}
    assert {(i.partner, i.role, i.rule) for i in puy[89].involvements if i.partner == "ars-ara"} == {
        ("ars-ara", "structure-porteuse", "scheme-carrier")
    }
    # 004 l.203 and 002 l.130: the words qualify the commitment's own action: its chef de file
    assert ("departement-haute-loire", "chef-de-file") in {(i.partner, i.role) for i in puy[203].involvements}
    montelimar = {c.span.start: c for c in protocols["montelimar"].commitments}
    pe = {(i.role, i.rule) for i in montelimar[130].involvements if i.partner == "pole-emploi"}
    assert pe == {("partenaire-associe", "matrix-legend-column"), ("chef-de-file", "explicit-words")}


VOIRON_ACTORS = {
    # key: (committing parties, carriers) — each checked against 003 at its line
    "L35": (
        {"partenaires-emploi-voiron", "maison-emploi-voironnais", "ville-voiron", "associations-voiron"},
        set(),
    ),
    "L37": ({"maison-emploi-voironnais"}, set()),
    "L41": ({"partenaires-voiron"}, set()),
    "L47": ({"ca-pays-voironnais"}, set()),
    "L71": ({"ca-pays-voironnais"}, {"cias-pays-voironnais"}),
    "L75": ({"coordination-brunetiere"}, set()),
    "L106": ({"collectivites-voiron"}, set()),
    "L127": (set(), {"cdosi"}),
    "L131": (set(), {"cias-pays-voironnais"}),
    "L150": ({"opac38", "dauphilogis", "pluralis"}, set()),
    "L150-2": ({"communes-voiron", "ca-pays-voironnais"}, set()),
    "L155": ({"bailleurs-voiron", "communes-voiron"}, set()),
}


def test_pays_voironnais_prose_actors_are_committing_parties(protocols):
    commitments = {c.key: c for c in protocols["voiron"].commitments}
    for key, (committing, carriers) in VOIRON_ACTORS.items():
        c = commitments[key]
        assert {i.partner for i in c.involvements if i.role == "partie-qui-s-engage"} == committing, key
        assert {i.partner for i in c.involvements if i.role == "structure-porteuse"} == carriers, key
    # l.150 is two commitments, one per sentence
    assert commitments["L150"].text.startswith("L'Opac38, Dauphilogis et Pluralis mettront en œuvre")
    assert commitments["L150-2"].text.startswith("Les communes et le Pays Voironnais, s'engagent à")
    # l.73 and l.102 name no actor: they stay the description of the bullet above them
    assert "L73" not in commitments and "L102" not in commitments
    assert any(
        d.startswith("Les actions développées dans le cadre du Contrat Local")
        for d in commitments["L69"].description
    )
    assert any(d.startswith("Pour plus d'opérationnalité") for d in commitments["L100"].description)


def test_contributions_are_counted_apart_and_linked_to_their_twin(built, protocols, store):
    from perr_graph import namespaces as ns

    items = {pid: sum(1 for c in p.commitments if c.contribution) for pid, p in protocols.items()}
    assert items == {"loriol": 39, "montelimar": 0, "puy": 0, "valence": 53, "voiron": 0}
    matches = built.graphs[ns.MATCHES_GRAPH]
    from rdflib.namespace import SKOS

    loriol = ns.in_protocol("loriol", "contribution", "L135")
    valence = ns.in_protocol("valence", "contribution", "L486")
    assert (loriol, SKOS.exactMatch, valence) in matches and (valence, SKOS.exactMatch, loriol) in matches
    stats = {r["protocol"]: r for r in answer(store, "protocol-stats")}
    assert (stats["loriol"]["commitments"], stats["loriol"]["contribution_items"]) == ("25", "39")
    assert (stats["valence"]["commitments"], stats["valence"]["contribution_items"]) == ("33", "53")


def test_facts_of_point_8_are_in_the_graph(protocols):
    montelimar = protocols["montelimar"]
    qpv = [p for p in montelimar.populations if p.in_qpv]
    assert [(p.territory, p.value, p.span.start) for p in qpv] == [("montelimar-agglomeration", 6653, 34)]
    assert [(n.territory, n.value, n.span.start) for n in montelimar.communes] == [
        ("montelimar-agglomeration", 26, 34)
    ]
    valence = protocols["valence"]
    labels = {i.key: i.label for i in valence.indicators}
    assert labels["L341"].startswith("20% minimum des ménages du 1er quartile")
    assert labels["L341-2"].startswith("50% minimum des ménages des quartiles 2, 3 et 4")
    assert (labels["L367"], labels["L367-2"]) == (
        "Nombre de vaccinations",
        "Nombre d'actions de prévention menées",
    )
    assert {r.key: r.title for r in valence.references}["L77"] == (
        "Le rapport « Démocratie participative et quartiers prioritaires : réinvestir l'ambition politique des "
        "conseils citoyens » de la Commission nationale du débat public (2018)"
    )
    bodies = {pid: {b.slug for b in p.bodies} for pid, p in protocols.items()}
    assert {"copil", "cotech", "representation-etat", "clspd"} <= bodies["montelimar"]
    assert {"conseil-citoyen", "coordination-brunetiere"} <= bodies["voiron"]
    assert {"spep", "cispdp", "conference-intercommunale-logement"} <= bodies["puy"]
    assert {"ateliers-thematiques", "equipe-projet-evs"} <= bodies["loriol"]
    loriol = protocols["loriol"]
    assert loriol.period_end_date is not None and loriol.period_end_date[0] == "2022-12-31"
    assert "TRANQUILLITE PUBLIQUE" in {s.label for s in loriol.sections}
    for p in protocols.values():
        assert [s.position for s in p.sections] == sorted(s.position for s in p.sections), p.pid
    puy = {c.span.start: c for c in protocols["puy"].commitments}
    assert puy[259].text == (
        "Mise en place, suivi et animation des conseils citoyens et mise en place et suivi de la GUSP"
    )
    assert [(c.column, c.value) for c in puy[259].cells] == [
        (
            "Domaines d'intervention",
            "Médiation dans les espaces publics et médiation contribuant au lien social",
        ),
        ("Date", "Depuis le 12 janvier 2016 (poste reconduit pour 3 ans)"),
    ]
    assert {(i.partner, i.role) for i in puy[259].involvements} == {("ca-puy-en-velay", "structure-porteuse")}


def test_the_registry_says_which_labels_are_unverified_and_where_the_state_holds_its_services(built):
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, ORG

    from perr_graph import namespaces as ns
    from perr_graph.namespaces import PERR

    reg = built.graphs[ns.REGISTRY_GRAPH]
    unverified = {str(s).rsplit("/", 1)[1] for s in reg.subjects(PERR.unverifiedLabel, Literal(True))}
    assert {"siea", "ddf-drome"} <= unverified
    assert (ns.org("ars-ara"), ORG.subOrganizationOf, ns.org("etat")) in reg
    cited = defaultdict(set)
    for s, o in reg.subject_objects(DCTERMS.bibliographicCitation):
        cited[str(s)].add(str(o))
    assert any("line 15" in c and "y compris l'ARS" in c for c in cited[str(ns.org("ars-ara")) + "/parent"])


# --- the registry's own checks, and one cell of a table of marks ----------------------------------------------


def _registry_copy(tmp_path):
    import shutil

    from support import project

    folder = tmp_path / "registry"
    shutil.copytree(project.REGISTRY, folder)
    return folder


def _check(folder):
    from perr_graph.inputs.catalogue import load_source, read_catalogue
    from perr_graph.inputs.registry import Registry, check_registry, reference_targets
    from support import project

    registry = Registry.load(folder)
    catalogue = read_catalogue(project.SOURCES / "catalogue.csv")
    check_registry(
        registry,
        reference_targets(registry, folder / "reference-map.csv"),
        lambda pid: load_source(catalogue[pid], project.SOURCES),
    )


def test_a_parent_evidence_that_the_text_does_not_say_is_refused(tmp_path):
    from perr_graph.errors import ConfigError

    folder = _registry_copy(tmp_path)
    _check(folder)  # the real registry passes
    path = folder / "partners.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("montelimar 15: en premier lieu", "montelimar 16: en premier lieu"), "utf-8")
    with pytest.raises(ConfigError, match="parent_evidence of 'ars-ara': quote not found") as exc:
        _check(folder)
    assert exc.value.path.endswith("partners.csv") and exc.value.line


def test_a_place_is_typed_qpv_only_where_the_official_list_names_it(tmp_path):
    from perr_graph.errors import ConfigError

    folder = _registry_copy(tmp_path)
    path = folder / "territories.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("pracomtal,Pracomtal,place,", "pracomtal,Pracomtal,qpv,"), "utf-8")
    with pytest.raises(ConfigError, match="'pracomtal' is typed qpv but the official list"):
        _check(folder)


def test_a_cell_keeps_its_column_and_the_service_it_names_whatever_the_legend_marks(protocols):
    """read/marks.py: "P (ARS)" under E with a legend mark "P" (a reader of another layout may call it so)."""
    from perr_graph.inputs.config import RoleRule
    from perr_graph.read.marks import FREE, UNMARKED, cell_involvements, split_mark

    assert split_mark("P (ARS)", {"P": None}) == ("P", "ARS")
    assert split_mark("X DRAC EN", {"X": None, "x": None}) == ("X", "DRAC EN")
    assert split_mark("MS", {"X": None, "x": None}) is None

    class Source:
        def __init__(self, line):
            self._line = line

        def require(self, quote, start, end=None):
            assert quote in self._line

    from perr_graph.read.base import Context

    real = protocols["montelimar"]  # only for its registry-independent facts: the context needs a protocol
    from perr_graph.inputs.registry import Registry
    from support import project

    ctx = Context("montelimar", Source("P (ARS)\tMS\tPE ML"), None, Registry.load(project.REGISTRY), real)
    lead, associated, unknown = (
        RoleRule(role="chef-de-file", rule="matrix-uppercase-lead"),
        RoleRule(role="partenaire-associe", rule="matrix-legend-column"),
        RoleRule(role="role-non-precise", rule="matrix-unmarked-code"),
    )
    got = cell_involvements(ctx, "P (ARS)", 1, "etat", {"P": lead})
    assert [(i.partner, i.column, i.role, i.mark, i.evidence) for i in got] == [
        ("ars-ara", "etat", "chef-de-file", "P", "P (ARS)")
    ]
    got = cell_involvements(ctx, "MS", 1, "departement-drome", {"P": lead}, unmarked=unknown)
    assert [(i.partner, i.column, i.role, i.mark) for i in got] == [
        ("cd26-ms", "departement-drome", "role-non-precise", UNMARKED)
    ]
    got = cell_involvements(ctx, "PE ML", 1, "-", {"P": lead}, free=associated)
    assert [(i.partner, i.column, i.mark) for i in got] == [
        ("pole-emploi", None, FREE),
        ("mission-locale-montelimar", None, FREE),
    ]


def test_a_person_defined_twice_in_the_registry_is_refused(tmp_path):
    """Nothing silently replaced (issue 16): a second row with the same person id is an error at its line."""
    from perr_graph.errors import ConfigError
    from perr_graph.inputs.registry import Registry

    folder = _registry_copy(tmp_path)
    path = folder / "people.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate person id") as exc:
        Registry.load(folder)
    assert exc.value.line == len(lines) + 1 and str(exc.value.path).endswith("people.csv")
