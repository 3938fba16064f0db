"""Every quote in the graph stands verbatim in its source text at the lines it gives."""

from perr_graph.inputs.catalogue import read_catalogue
from support import project

QUOTES = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?fact ?file ?start ?end ?exact WHERE {
  GRAPH ?g {
    ?fact <http://www.w3.org/ns/prov#wasDerivedFrom> ?res .
    ?res oa:hasSource ?doc ; perr:lineStart ?start ; perr:lineEnd ?end ;
         oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] .
    ?doc dcterms:identifier ?file .
  }
}"""


def test_every_quote_is_found_at_its_lines(store, sources):
    by_file = {e.file: sources[pid] for pid, e in read_catalogue(project.SOURCES / "catalogue.csv").items()}
    checked, missing = 0, []
    for row in store.query(QUOTES):
        text = by_file[row["file"].value]
        start, end = int(row["start"].value), int(row["end"].value)
        if row["exact"].value not in text.span(start, end):
            missing.append((row["fact"].value, start))
        checked += 1
    assert missing == []
    assert checked > 1700  # every commitment, involvement, signatory, figure, observation …


def test_every_commitment_signatory_indicator_figure_and_observation_has_provenance(store):
    q = """
    PREFIX perr: <https://w3id.org/perr-graph/ontology#>
    PREFIX qb: <http://purl.org/linked-data/cube#>
    SELECT ?type (COUNT(?x) AS ?n) (COUNT(?src) AS ?with) WHERE {
      GRAPH ?g { ?x a ?type . OPTIONAL { ?x <http://www.w3.org/ns/prov#wasDerivedFrom> ?src } }
      VALUES ?type { perr:Commitment perr:Signatory perr:Indicator perr:PopulationFigure qb:Observation
                     perr:Involvement perr:ReferencedDocument perr:GovernanceBody }
    } GROUP BY ?type"""
    rows = {r["type"].value.split("#")[-1]: (int(r["n"].value), int(r["with"].value)) for r in store.query(q)}
    assert set(rows) == {
        "Commitment",
        "Signatory",
        "Indicator",
        "PopulationFigure",
        "Observation",
        "Involvement",
        "ReferencedDocument",
        "GovernanceBody",
    }
    for kind, (n, with_source) in rows.items():
        assert with_source >= n > 0, kind


def test_reference_identifiers_are_kept_apart_with_their_source(store):
    q = """
    PREFIX adms: <http://www.w3.org/ns/adms#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?g (COUNT(?i) AS ?n) WHERE { GRAPH ?g { ?x adms:identifier ?i . ?i dcterms:bibliographicCitation ?c } }
    GROUP BY ?g"""
    rows = {r["g"].value: int(r["n"].value) for r in store.query(q)}
    assert rows == {"https://w3id.org/perr-graph/graph/reference": 45}  # one per row of identifiers.csv


def test_epci_mergers_are_dated_change_events_from_the_reference_file(store):
    q = """
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?before ?after ?date WHERE { GRAPH <https://w3id.org/perr-graph/graph/reference> {
      ?e a org:ChangeEvent ; org:originalOrganization ?before ; org:resultingOrganization ?after ;
         dcterms:date ?date ; dcterms:source ?src } } ORDER BY ?after"""
    rows = [
        (r["before"].value.rsplit("/", 1)[1], r["after"].value.rsplit("/", 1)[1], r["date"].value)
        for r in store.query(q)
    ]
    assert rows == [
        ("ca-puy-en-velay-avant-2017", "ca-puy-en-velay", "2017-01-01"),
        ("ca-valence-romans-sud-rhone-alpes", "ca-valence-romans-agglo", "2017-01-01"),
    ]
