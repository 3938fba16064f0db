"""Read-only and local: updates, SERVICE and foreign FROM are refused before any engine sees the query.

The threat is real, not hypothetical: ``test_pyoxigraph_really_calls_service`` shows the embedded engine calling
a SERVICE on its own; the checks below must stop it. The served endpoint's refusals are in test_server.py.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perr_graph.cli import main
from perr_graph.errors import QueryError
from perr_graph.sparql import lex as sparql_lex
from perr_graph.sparql import library as queries
from perr_graph.sparql.run import Limits, run_local
from perr_graph.sparql.safety import Policy, check_query

OWN = frozenset(
    {"https://w3id.org/perr-graph/graph/registry", "https://w3id.org/perr-graph/graph/protocol/puy"}
)
POLICY = Policy(graphs=OWN)


# --- a listener that records every request: proof that nothing was fetched ---------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    def _hit(self):
        self.server.hits.append((self.command, self.path))
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _hit

    def log_message(self, *args):
        pass


@pytest.fixture()
def recorder():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_pyoxigraph_really_calls_service(recorder):
    """Without the check, the embedded engine makes the HTTP call (the reason the check exists)."""
    import pyoxigraph as ox

    server, url = recorder
    list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
    assert server.hits, "pyoxigraph did not call the SERVICE: this test no longer proves anything"


def test_the_cr_comment_trick_fools_rdflib_alone_but_not_the_check(recorder):
    """SPARQL ends a comment at CR; rdflib only at LF. Unchecked, this hides a SERVICE from rdflib's tree."""
    import pyoxigraph as ox
    from rdflib.plugins.sparql.parser import parseQuery

    server, url = recorder
    text = f"SELECT * WHERE {{ # comment\r SERVICE <{url}> {{ ?a ?b ?c }}\n}}"
    assert "ServiceGraphPattern" not in repr(parseQuery(text)), "rdflib sees no SERVICE in the raw text"
    list(ox.Store().query(text))
    assert server.hits, "Oxigraph runs the SERVICE that rdflib read as a comment"
    server.hits.clear()
    with pytest.raises(QueryError, match="SERVICE"):
        check_query(text, POLICY)
    assert not server.hits


def test_cli_refuses_service_and_nothing_is_called(recorder, capsys, tmp_path, dataset_nq):
    server, url = recorder
    f = tmp_path / "fed.rq"
    f.write_text(
        f"# a federated query\nSELECT * WHERE {{\n  OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }}\n}}\n",
        encoding="utf-8",
    )
    code = main(["query", str(f), "--data", str(dataset_nq)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"{f}:3: SERVICE <{url}> refused" in err
    assert not server.hits


# --- the check, case by case ---------------------------------------------------------------------------------------

REFUSED = {
    "service": ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    "service-silent-lowercase": (
        "select * where { service silent <http://e.org/q> { ?s ?p ?o } }",
        "SERVICE",
    ),
    "service-variable": (
        "SELECT * WHERE { BIND(<http://e.org/q> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        "SERVICE",
    ),
    "service-prefixed": (
        "PREFIX e: <http://e.org/>\nSELECT * WHERE { SERVICE e:q { ?s ?p ?o } }",
        "SERVICE <http://e.org/q>",
    ),
    "service-in-subquery": (
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://e.org/q> { ?s ?p ?o } } } }",
        "SERVICE",
    ),
    "service-in-exists": (
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://e.org/q> { ?s ?p ?o } } }",
        "SERVICE",
    ),
    "service-in-minus": (
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://e.org/q> { ?s ?p ?o } } }",
        "SERVICE",
    ),
    "service-in-ask": ("ASK { SERVICE <http://e.org/q> { ?s ?p ?o } }", "SERVICE"),
    "service-in-construct": (
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://e.org/q> { ?s ?p ?o } }",
        "SERVICE",
    ),
    "load": ("LOAD <http://example.org/data.ttl>", "LOAD would fetch a document"),
    "load-into": ("LOAD SILENT <http://example.org/d.ttl> INTO GRAPH <http://x/g>", "LOAD"),
    "insert-data": ("INSERT DATA { <http://a/s> <http://a/p> 1 }", "INSERT would change the store"),
    "delete-where": ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    "delete-insert": (
        "PREFIX p: <http://a/>\nWITH <http://g/> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "SPARQL Update refused",
    ),
    "clear": ("CLEAR ALL", "CLEAR"),
    "drop": ("DROP GRAPH <https://w3id.org/perr-graph/graph/registry>", "DROP"),
    "create": ("CREATE GRAPH <http://g/>", "CREATE"),
    "copy": ("COPY DEFAULT TO <http://g/>", "COPY"),
    "move": ("MOVE <http://a/> TO <http://b/>", "MOVE"),
    "add": ("ADD <http://a/> TO <http://b/>", "ADD"),
    "query-then-update": (
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://a/s> <http://a/p> 1 }",
        "INSERT",
    ),
    "from-remote": (
        "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "FROM <http://example.org/data.ttl> refused",
    ),
    "from-named-remote": (
        "SELECT * FROM NAMED <http://example.org/d> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "FROM NAMED <http://example.org/d> refused",
    ),
    "from-prefixed-remote": (
        "PREFIX x: <http://example.org/>\nSELECT * FROM x:d WHERE { ?s ?p ?o }",
        "FROM <http://example.org/d> refused",
    ),
    "from-relative-to-remote-base": (
        "BASE <http://example.org/>\nSELECT * FROM <registry> WHERE { ?s ?p ?o }",
        "FROM <http://example.org/registry> refused",
    ),
    "from-other-project-graph": (
        "SELECT * FROM <https://w3id.org/perr-graph/graph/protocol/valence> WHERE { ?s ?p ?o }",
        "refused",
    ),
    "describe-from": ("DESCRIBE ?s FROM <http://example.org/x> WHERE { ?s ?p ?o }", "FROM"),
    "unicode-escape": (
        'SELECT * WHERE { BIND("x\\u005C" AS ?a) SERVICE <http://e.org/> { ?s ?p ?o } #" AS ?a)\n}',
        "\\u escapes are refused",
    ),
    "unicode-escaped-keyword": ("\\u0053ELECT * WHERE { ?s ?p ?o }", "\\u escapes"),
    "cr-comment": ("SELECT * WHERE { ?s ?p ?o # c\r SERVICE <http://e.org/> { ?a ?b ?c }\n}", "SERVICE"),
    "syntax": ("SELEC * WHERE { ?s ?p ?o }", "syntax error"),
    "unterminated": ("SELECT * WHERE { ?s ?p ?o ", "syntax error"),
}


@pytest.mark.parametrize("text,message", list(REFUSED.values()), ids=list(REFUSED))
def test_refused(text, message):
    with pytest.raises(QueryError) as err:
        check_query(text, POLICY, "q.rq")
    assert message in str(err.value)
    assert str(err.value).startswith("q.rq:"), "says where"
    assert "\n" not in str(err.value), "one line"


ALLOWED = {
    "plain": "SELECT * WHERE { ?s ?p ?o }",
    "own-from": "SELECT * FROM <https://w3id.org/perr-graph/graph/registry> WHERE { ?s ?p ?o }",
    "own-from-named": "PREFIX graph: <https://w3id.org/perr-graph/graph/>\n"
    "SELECT * FROM NAMED <https://w3id.org/perr-graph/graph/protocol/puy> FROM graph:registry "
    "WHERE { GRAPH ?g { ?s ?p ?o } }",
    "keywords-in-strings": "SELECT * WHERE { ?s ?p 'SERVICE <http://e/> { } LOAD <x> INSERT' }",
    "keywords-in-long-strings": 'SELECT * WHERE { ?s ?p """a "quoted" SERVICE\nLOAD <x>""" }',
    "keywords-in-comments": "# SERVICE <http://e/> { } ; DROP ALL\nSELECT * WHERE { ?s ?p ?o } # INSERT",
    "keywords-as-names": "PREFIX service: <http://x/>\nPREFIX load: <http://y/>\n"
    "SELECT ?service ?load ?insert WHERE { ?service service:load ?load . ?load load:drop ?insert }",
    "keywords-in-iris": "SELECT * WHERE { <http://e.org/SERVICE/LOAD#FROM> ?p ?o }",
    "language-tag": 'SELECT * WHERE { ?s ?p "x"@service }',
    "ask": "ASK { ?s ?p ?o }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "describe": "DESCRIBE <https://w3id.org/perr-graph/id/org/etat>",
    "crlf": "SELECT *\r\nWHERE { ?s ?p ?o }\r\n",
}


@pytest.mark.parametrize("text", list(ALLOWED.values()), ids=list(ALLOWED))
def test_allowed(text):
    checked = check_query(text, POLICY, "q.rq")
    assert "\r" not in checked.text


def test_any_project_graph_policy_for_remote_endpoints():
    check_query("SELECT * FROM <https://w3id.org/perr-graph/graph/anything> WHERE { ?s ?p ?o }", Policy())
    with pytest.raises(QueryError):
        check_query("SELECT * FROM <https://example.org/graph/anything> WHERE { ?s ?p ?o }", Policy())


def test_library_queries_pass(tmp_path):
    for q in queries.library():
        assert check_query(q.text, POLICY, str(q.path)).form == "SELECT"


def test_syntax_error_points_at_the_line(tmp_path):
    with pytest.raises(QueryError) as err:
        check_query("PREFIX p: <http://a/>\n\nSELECT ?x WHERE {\n  ?x p:a ?y ,, ?z }\n", POLICY, "f.rq")
    assert err.value.line == 4 and str(err.value).startswith("f.rq:4: syntax error")


# --- the command line: one line, exit code 2 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,needle",
    [
        ("SELECT ?x WHERE {\n  ?x ?y\n", "syntax error"),
        ("LOAD <http://example.org/x.ttl>", "LOAD would fetch"),
        ("INSERT DATA { <http://a/s> <http://a/p> 1 }", "INSERT would change"),
        ("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", "DELETE would change"),
        ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", "only the dataset's own graphs"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ],
)
def test_cli_one_line_exit_2(capsys, tmp_path, dataset_nq, text, needle):
    f = tmp_path / "q.rq"
    f.write_text(text, encoding="utf-8")
    code = main(["query", str(f), "--data", str(dataset_nq)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"perr query: {f}:") and needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_refuses_remote_from_even_for_the_endpoint(capsys, monkeypatch):
    """Refused before any connection: the endpoint (port 9, discard) is never contacted."""
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }"))
    code = main(["query", "-", "--endpoint", "http://127.0.0.1:9/sparql"])
    _out, err = capsys.readouterr()
    assert code == 2 and "FROM <http://example.org/x> refused" in err and "cannot reach" not in err


# --- limits ------------------------------------------------------------------------------------------------------

HEAVY = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/perr-graph/graph/protocol/loriol> { ?a ?b ?c } "
    "GRAPH <https://w3id.org/perr-graph/graph/protocol/voiron> { ?d ?e ?f } }"
)


def test_timeout(store, capsys, tmp_path, dataset_nq):
    with pytest.raises(QueryError, match=r"timed out after 0\.2 s"):
        run_local(store, HEAVY, limits=Limits(timeout=0.2))


def test_max_rows(capsys, tmp_path, dataset_nq):
    f = tmp_path / "all.rq"
    f.write_text("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", encoding="utf-8")
    code = main(["query", str(f), "--max-rows", "10", "--data", str(dataset_nq)])
    _, err = capsys.readouterr()
    assert code == 2 and "more than 10 rows" in err


# --- parameters by VALUES -----------------------------------------------------------------------------------------


def test_values_go_inside_the_outermost_where():
    import pyoxigraph as ox

    p = {"x": ox.NamedNode("https://w3id.org/perr-graph/id/org/etat")}
    text = "# { not here\nPREFIX a: <http://a/>\nSELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p '{' } } }"
    out = sparql_lex.inject_values(text, p)
    assert out.startswith(
        text[: text.index("WHERE {") + 7] + " VALUES ?x { <https://w3id.org/perr-graph/id/org/etat> }"
    )
    assert out.count("\n") == text.count("\n"), "line numbers unchanged"
    construct = "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }"
    assert sparql_lex.inject_values(construct, p).startswith("CONSTRUCT { ?x ?p ?o } WHERE { VALUES ?x")
    with pytest.raises(QueryError, match="short form"):
        sparql_lex.inject_values("CONSTRUCT WHERE { ?x ?p ?o }", p)
    with pytest.raises(QueryError, match="no WHERE clause"):
        sparql_lex.inject_values("DESCRIBE <http://a/b>", p)


def test_ntriples_terms():
    import pyoxigraph as ox

    assert sparql_lex.ntriples(ox.Literal('a "b"\\\n\tc')) == '"a \\"b\\"\\\\\\n\\tc"'
    assert sparql_lex.ntriples(ox.Literal("x", language="fr")) == '"x"@fr'
    assert (
        sparql_lex.ntriples(
            ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        )
        == '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )
    with pytest.raises(QueryError, match="only IRIs and literals"):
        sparql_lex.ntriples(ox.BlankNode("b0"))
    with pytest.raises(QueryError, match="control character"):
        sparql_lex.ntriples(ox.Literal("a\x00b"))
    with pytest.raises(QueryError, match="hex digits"):
        sparql_lex.ntriples(ox.Literal("a\\u0041"))


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
)
def test_any_literal_binds_as_itself(value):
    """Whatever the text, VALUES binds exactly that literal (or refuses it): it never becomes syntax."""
    import pyoxigraph as ox

    try:
        text = sparql_lex.inject_values("SELECT ?x WHERE { }", {"x": ox.Literal(value)})
    except QueryError:
        assert sparql_lex._CONTROL.search(value) or sparql_lex._UESCAPE.search(value)
        return
    checked = check_query(text, POLICY)
    rows = list(ox.Store().query(checked.text))
    assert [r["x"] for r in rows] == [ox.Literal(value)]


def test_lexer_keeps_strings_comments_and_iris_whole():
    toks = sparql_lex.tokens(
        'SELECT ?s WHERE { ?s <http://a/#x> \'a # b\' . # SERVICE\n ?s ex:SERVICE """x\ny""" }'
    )
    kinds = [(t.kind, t.text) for t in toks]
    assert ("iri", "<http://a/#x>") in kinds and ("string", "'a # b'") in kinds
    assert ("pname", "ex:SERVICE") in kinds and ("string", '"""x\ny"""') in kinds
    assert [t.keyword for t in toks if t.keyword] == ["SELECT", "WHERE"]
    # a less-than is not an IRI
    assert [t.text for t in sparql_lex.tokens("FILTER(?a < ?b)")][3] == "<"


def test_a_checked_query_is_parsed_once_and_still_checked_every_time(monkeypatch):
    """check_query keeps the parse tree of a text it read (the report's batch parses its queries while its child
    loads the dataset): the same text is not parsed again, and what the policy decides (a FROM outside the
    dataset) is still decided on each check. The kept trees are bounded."""
    from perr_graph.sparql import safety, tree

    parsed = []
    real = tree.on_big_stack

    def counting(work, time_limit, what):
        parsed.append(what)
        return real(work, time_limit, what)

    monkeypatch.setattr(tree, "on_big_stack", counting)
    monkeypatch.setattr(tree, "_KEPT", {})
    text = "SELECT ?g ?s FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o } LIMIT 1"
    anything = safety.Policy(allow_any_from=True)
    assert safety.check_query(text, anything).form == "SELECT"
    assert safety.check_query(text, anything).form == "SELECT" and len(parsed) == 1
    with pytest.raises(QueryError, match="FROM"):
        safety.check_query(text, safety.Policy(graphs=frozenset({"http://example.org/g"})))
    for k in range(tree.KEPT_AT_MOST + 5):
        safety.check_query(f"SELECT * WHERE {{ ?s ?p {k} }}", anything)
    assert len(tree._KEPT) == tree.KEPT_AT_MOST
