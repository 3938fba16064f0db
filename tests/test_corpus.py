"""The corpus: how a command finds it (``--corpus``, ``PERR_HOME``, the nearest perr.toml, the bundled one),
``perr init``, a corpus's own queries and shapes, and the one-line errors of a broken perr.toml."""

from __future__ import annotations

import shutil

import pytest

from perr_graph import resources
from perr_graph.cli import main
from perr_graph.errors import ConfigError, QueryError
from perr_graph.inputs.corpus import find_corpus, open_corpus
from support import project

SETTINGS = """\
name = "{name}"
base_iri = "https://w3id.org/perr-graph/"
licence = "unknown"
publisher = "perr-graph tests"
"""


def corpus_dir(folder, name="a corpus"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "perr.toml").write_text(SETTINGS.format(name=name), encoding="utf-8")
    return folder


# --- discovery ----------------------------------------------------------------------------------------------


def test_corpus_option_comes_first(tmp_path):
    given, home, here = (
        corpus_dir(tmp_path / "given"),
        corpus_dir(tmp_path / "home"),
        corpus_dir(tmp_path / "here"),
    )
    found = find_corpus(given, environ={"PERR_HOME": str(home)}, cwd=here)
    assert found.root == given and found.found_by == "--corpus" and found.name == "a corpus"


def test_perr_home_comes_before_the_current_folder(tmp_path):
    home, here = corpus_dir(tmp_path / "home", "home"), corpus_dir(tmp_path / "here", "here")
    found = find_corpus(environ={"PERR_HOME": str(home)}, cwd=here)
    assert found.root == home and found.found_by == "PERR_HOME" and found.output == home / "dist"


def test_the_nearest_perr_toml_upwards(tmp_path):
    outer = corpus_dir(tmp_path / "outer", "outer")
    inner = corpus_dir(outer / "projects" / "inner", "inner")
    deep = inner / "sources" / "drafts"
    deep.mkdir(parents=True)
    found = find_corpus(environ={}, cwd=deep)
    assert found.root == inner and found.name == "inner" and found.found_by == "perr.toml"
    assert find_corpus(environ={}, cwd=outer / "projects").name == "outer"


def test_the_bundled_corpus_outside_any_corpus(tmp_path):
    found = find_corpus(environ={}, cwd=tmp_path)
    assert found.bundled and found.root == resources.corpus()
    assert found.output == tmp_path / "dist"  # outputs go to ./dist of the current folder
    assert {p.name for p in found.protocols.glob("*.toml")} == {
        f"{p}.toml" for p in ("valence", "loriol", "montelimar", "voiron", "puy")
    }
    assert found.licence is None and found.publisher == "perr-graph contributors"
    assert found.base_iri == "https://w3id.org/perr-graph/"


def test_the_checkout_is_a_corpus():
    found = find_corpus(environ={}, cwd=project.ROOT / "src" / "perr_graph")
    assert found.root == project.ROOT and found.data == project.DATA
    assert found.output == project.ROOT / "dist"
    # the checkout's library is the bundled one: it is not listed twice
    assert [p.resolve() for p in found.queries] == [project.QUERIES.resolve()]


def test_version_and_stats_say_which_corpus(capsys, monkeypatch, corpus_home, built):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("perr-graph ") and str(corpus_home) in out and "from PERR_HOME" in out
    assert main(["stats"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0].startswith("corpus 'perr-graph: the five PERR protocols")
    assert "montelimar" in captured.out
    monkeypatch.delenv("PERR_HOME")
    monkeypatch.chdir(corpus_home.parent)
    assert main(["--corpus", str(corpus_home), "--version"]) == 0
    assert "given with --corpus" in capsys.readouterr().out
    assert main(["stats", "--corpus", str(corpus_home)]) == 0  # the option also stands after the command
    assert "given with --corpus" in capsys.readouterr().err


def test_a_folder_with_only_the_users_data_is_a_corpus(tmp_path, monkeypatch, capsys):
    """PERR_HOME naming a folder with data/ alone (no perr.toml, no ontology/, no queries/): the ontology and the
    library come from the package."""
    home = tmp_path / "home"
    shutil.copytree(project.DATA, home / "data")
    monkeypatch.setenv("PERR_HOME", str(home))
    found = find_corpus()
    assert found.data == home / "data" and found.name == "home" and found.licence is None
    assert main(["query", "--list"]) == 0
    assert "who-leads-what" in capsys.readouterr().out


# --- perr.toml mistakes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old,new,message,line",
    [
        ('licence = "unknown"', 'licence = "unknown', "not valid TOML", 3),
        ('name = "a corpus"', "name = 5", "name: input should be a valid string", 1),
        ('publisher = "perr-graph tests"', 'publisher = "x"\ncolour = "blue"', "unknown key 'colour'", 5),
        (
            'base_iri = "https://w3id.org/perr-graph/"',
            'base_iri = "w3id.org"',
            "base_iri: string should match",
            2,
        ),
        ('licence = "unknown"\n', "", "missing key 'licence'", None),
    ],
)
def test_a_broken_perr_toml_is_one_line_with_its_line(tmp_path, capsys, old, new, message, line):
    folder = corpus_dir(tmp_path / "c")
    settings = folder / "perr.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        open_corpus(folder, "--corpus")
    assert message in str(exc.value) and exc.value.path == str(settings) and exc.value.line == line
    assert main(["--corpus", str(folder), "stats"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


def test_another_base_iri_is_refused_at_build(tmp_path, capsys):
    folder = corpus_dir(tmp_path / "c")
    settings = folder / "perr.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "https://w3id.org/perr-graph/", "https://example.org/kg/"
        ),
        encoding="utf-8",
    )
    assert main(["--corpus", str(folder), "build", "-q"]) == 2
    err = capsys.readouterr().err
    assert f"{settings}:2: base_iri 'https://example.org/kg/'" in err and len(err.splitlines()) == 1
    assert not (folder / "dist").exists()


def test_a_missing_corpus_folder(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path / "nowhere"), "build"]) == 2
    assert "corpus folder not found" in capsys.readouterr().err


# --- perr init -----------------------------------------------------------------------------------------------


def test_init_makes_an_empty_corpus_that_builds(tmp_path, monkeypatch, capsys):
    target = tmp_path / "mycorpus"
    assert main(["init", str(target)]) == 0
    assert "created a corpus" in capsys.readouterr().out
    assert (target / "sources" / "catalogue.csv").read_text(encoding="utf-8") == (
        "id,file,title,territory,sha256,lines\n"
    )
    assert not list((target / "protocols").glob("*.toml"))
    for f in project.REGISTRY.glob("*.csv"):  # known organisations keep their IRIs
        assert (target / "registry" / f.name).read_bytes() == f.read_bytes()
    found = open_corpus(target, "--corpus")
    assert found.name == "mycorpus" and found.licence is None and found.publisher is None
    monkeypatch.delenv("PERR_HOME")
    monkeypatch.chdir(target / "protocols")
    assert main(["build", "-q"]) == 0
    assert (target / "dist" / "perr.nq").exists()
    assert main(["query", "--list"]) == 0  # the library comes from the package
    assert "who-leads-what" in capsys.readouterr().out


def test_init_with_examples_builds_the_same_dataset(tmp_path, monkeypatch, dataset_nq):
    target = tmp_path / "five"
    assert main(["init", str(target), "--with-examples"]) == 0
    assert {p.stem for p in (target / "protocols").glob("*.toml")} == {
        "valence",
        "loriol",
        "montelimar",
        "voiron",
        "puy",
    }
    monkeypatch.delenv("PERR_HOME")
    monkeypatch.chdir(target)
    assert main(["build", "-q"]) == 0
    assert project.without_description(
        (target / "dist" / "perr.nq").read_bytes()
    ) == project.without_description(dataset_nq.read_bytes())


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    assert main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "not an empty folder" in err and str(target) in err
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_init_into_an_existing_empty_folder(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert main(["init", str(target)]) == 0
    assert (target / "perr.toml").is_file()


# --- a corpus's own queries and shapes, the store, the library -----------------------------------------------


def test_a_corpus_own_queries_join_the_library(tmp_path, capsys):
    folder = corpus_dir(tmp_path / "c")
    (folder / "queries").mkdir()
    (folder / "queries" / "90-my-question.rq").write_text(
        "#+ title: My question\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8"
    )
    assert main(["--corpus", str(folder), "query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "my-question" in out and "who-leads-what" in out
    # a name the bundled library already uses is refused, with the file
    (folder / "queries" / "91-who-leads-what.rq").write_text(
        "SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8"
    )
    assert main(["--corpus", str(folder), "query", "--list"]) == 2
    err = capsys.readouterr().err
    assert "91-who-leads-what.rq" in err and "'who-leads-what' is also used" in err


def test_a_corpus_own_shapes_join_the_bundled_ones(tmp_path):
    from perr_graph.validation import Shapes

    folder = corpus_dir(tmp_path / "c")
    (folder / "shapes").mkdir()
    (folder / "shapes" / "mine.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://example.org/MyShape> a sh:NodeShape ; sh:targetClass <https://example.org/Thing> ;\n"
        '  sh:message "mine"@en .\n',
        encoding="utf-8",
    )
    found = open_corpus(folder, "--corpus")
    assert found.shapes == (resources.shapes(), folder / "shapes")
    from rdflib import URIRef

    shapes = Shapes.load(found.shapes)
    assert (URIRef("https://example.org/MyShape"), None, None) in shapes.graph
    assert len(shapes.graph) > len(Shapes.load().graph)


@pytest.mark.parametrize("missing", [True, False])
def test_an_empty_or_missing_library_is_exit_2(tmp_path, monkeypatch, capsys, missing):
    fake = tmp_path / "package"
    (fake / "corpus").mkdir(parents=True)
    if not missing:
        (fake / "queries").mkdir()
    monkeypatch.setattr(resources, "root", lambda: fake)
    assert main(["query", "--list"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert ("bundled resource missing" if missing else "the query library is empty") in err


def test_the_store_opens_files_and_never_builds(tmp_path):
    from perr_graph.store import open_store

    with pytest.raises(Exception) as exc:
        open_store([])
    assert "no RDF file" in str(exc.value)
    with pytest.raises(Exception) as exc:
        open_store([tmp_path / "dist" / "perr.nq"])
    assert "file not found" in str(exc.value)
    assert not (tmp_path / "dist").exists()


def test_a_lenient_store_skips_the_iri_checks_but_not_the_grammar(tmp_path):
    """The report reads its dataset leniently (a third faster at national scale): an IRI with a space, which the
    other commands refuse with its line, is taken as written; a file that breaks the grammar is still refused,
    with its line, either way."""
    from perr_graph.errors import InputError
    from perr_graph.store import open_store

    odd = tmp_path / "odd.nq"
    odd.write_text(
        '<http://ex.org/a> <http://ex.org/p> "x" <http://ex.org/g> .\n'
        '<http://ex.org/a b> <http://ex.org/p> "y" <http://ex.org/g> .\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        open_store([odd])
    assert exc.value.line == 2 and "IRI" in str(exc.value)
    store = open_store([odd], lenient=True)
    assert sorted(q.subject.value for q in store) == ["http://ex.org/a", "http://ex.org/a b"]
    broken = tmp_path / "broken.nq"
    broken.write_text('<http://ex.org/a> <http://ex.org/p> "x <http://ex.org/g> .\n', encoding="utf-8")
    for lenient in (False, True):
        with pytest.raises(InputError) as exc:
            open_store([broken], lenient=lenient)
        assert exc.value.line == 1 and "syntax error" in str(exc.value)


def test_a_command_builds_the_missing_dataset_once_and_says_so(tmp_path, capsys):
    target = tmp_path / "c"
    assert main(["init", str(target), "--with-examples"]) == 0
    capsys.readouterr()
    assert main(["--corpus", str(target), "stats", "--json"]) == 0
    err = capsys.readouterr().err
    assert f"no built dataset in {target / 'dist'}: building" in err
    assert (target / "dist" / "perr.nq").exists()
    assert main(["--corpus", str(target), "stats", "--json"]) == 0
    assert "building" not in capsys.readouterr().err


def test_query_library_errors_stay_query_errors(tmp_path):
    from perr_graph.commands.query import list_library

    with pytest.raises(QueryError, match="empty"):
        list_library([tmp_path])
