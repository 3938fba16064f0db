"""Commitments that say the same thing in different protocols: a deterministic, explainable text match.

Method (``docs/compare.md``, "Matched commitments"):

1. **Normalise** each commitment's text (``perr:text``): accents folded and lower-cased (:func:`text.fold`),
   elided articles dropped (``l'``, ``d'``, ``qu'`` …), split into words of letters and digits.
2. **Tokens**: French stop words removed (:data:`STOP_WORDS`: articles, prepositions, pronouns, auxiliaries and
   a few connectives such as *notamment*), then a light suffix stemmer (:func:`stem`: plural ``-s``/``-x``,
   ``-aux`` → ``-al``, feminine ``-e``, infinitive ``-er`` and a short list of derivational endings such as
   ``-ement``, ``-ation``, ``-ite``), so that *développer* and *développement* or *sociaux* and *sociales*
   meet.
3. **TF-IDF** over the corpus of every commitment of every protocol read in the build: term frequency is the
   raw count, inverse document frequency the smoothed ``ln((1 + N) / (1 + df)) + 1``; vectors are
   L2-normalised and compared by **cosine similarity**.
4. **Pairs**: only commitments of two different protocols are compared. Two texts whose normalised forms are
   identical are an exact match (score 1, ``skos:exactMatch``); otherwise a pair whose cosine is at least
   :data:`THRESHOLD` and that shares at least :data:`MIN_SHARED` stems is a close match (``skos:closeMatch``).

The threshold was chosen from a hand-checked sample (``tests/golden/matches-sample.csv``, drawn by
:func:`stratified_sample`); the precision measured on it is stated in ``docs/compare.md`` and asserted by
``tests/test_matching.py``.

Every match becomes, in the named graph ``graph:matches``, the mapping triple ``a skos:closeMatch b`` (or
``skos:exactMatch``) and a qualified node ``id:match/<a-key>--<b-key>`` (an ``rdf:Statement`` reifying that
triple) with the score (``rdf:value``, ``xsd:decimal``), the method and its parameters (``dcterms:description``)
and the stems that weigh most in the score (``skos:note``). Keys are ``<pid>-<commitment key>`` and ``a`` is the
smaller key, so a pair has one node. Everything is sorted: the graph is the same from one build to the next.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from perr_graph import namespaces as ns
from perr_graph.model import Protocol
from perr_graph.text import fold

#: cosine similarity at or above which two commitments of different protocols are recorded as a close match
THRESHOLD = 0.45
#: a close match must share at least this many stems (a single shared word is never enough)
MIN_SHARED = 2
#: how many of the stems that weigh most in the score are recorded with a match
EXPLAIN_TERMS = 6
#: decimal places of the recorded score
DIGITS = 4

METHOD_NAME = "perr-graph text match v1"

#: French stop words, accent-folded: articles, prepositions, pronouns, auxiliaries, connectives.
STOP_WORDS = frozenset(
    [
        "a",
        "afin",
        "ai",
        "aie",
        "ainsi",
        "alors",
        "apres",
        "au",
        "aucun",
        "aupres",
        "aussi",
        "autre",
        "autres",
        "aux",
        "avec",
        "avoir",
        "ayant",
        "c",
        "ca",
        "car",
        "ce",
        "ceci",
        "cela",
        "celle",
        "celles",
        "celui",
        "cependant",
        "ces",
        "cet",
        "cette",
        "ceux",
        "chaque",
        "chez",
        "ci",
        "comme",
        "comment",
        "contre",
        "d",
        "dans",
        "de",
        "des",
        "deja",
        "depuis",
        "donc",
        "dont",
        "du",
        "elle",
        "elles",
        "en",
        "encore",
        "entre",
        "est",
        "et",
        "etaient",
        "etait",
        "etant",
        "etc",
        "ete",
        "etre",
        "eux",
        "ex",
        "fait",
        "faire",
        "il",
        "ils",
        "j",
        "je",
        "jusqu",
        "jusque",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lors",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "meme",
        "memes",
        "mes",
        "mettre",
        "mise",
        "moins",
        "mon",
        "n",
        "ne",
        "ni",
        "non",
        "nos",
        "notamment",
        "notre",
        "nous",
        "oeuvre",
        "on",
        "ont",
        "ou",
        "par",
        "parce",
        "pas",
        "peu",
        "peut",
        "peuvent",
        "plus",
        "plutot",
        "pour",
        "pourra",
        "pourront",
        "pres",
        "puis",
        "qu",
        "quand",
        "que",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "quoi",
        "s",
        "sa",
        "sans",
        "se",
        "selon",
        "ses",
        "seront",
        "si",
        "sien",
        "soi",
        "soit",
        "son",
        "sont",
        "sous",
        "soumis",
        "sur",
        "t",
        "ta",
        "te",
        "tel",
        "telle",
        "telles",
        "tels",
        "tes",
        "toi",
        "ton",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "un",
        "une",
        "unes",
        "uns",
        "via",
        "voire",
        "vos",
        "votre",
        "vous",
        "y",
    ]
)

_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)'")
_WORD = re.compile(r"[a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})

#: endings rewritten by :func:`stem`, tried in this order: (ending, replacement)
_RULES = (
    ("aux", "al"),
    ("elles", "el"),
    ("elle", "el"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("ations", "at"),
    ("ation", "at"),
    ("atives", "at"),
    ("ative", "at"),
    ("atifs", "at"),
    ("atif", "at"),
    ("ateurs", "at"),
    ("ateur", "at"),
    ("atrices", "at"),
    ("atrice", "at"),
    ("ements", ""),
    ("ement", ""),
    ("ments", ""),
    ("ment", ""),
    ("iques", ""),
    ("ique", ""),
    ("ismes", ""),
    ("isme", ""),
    ("istes", ""),
    ("iste", ""),
    ("euses", ""),
    ("euse", ""),
    ("eurs", ""),
    ("eur", ""),
    ("ites", ""),
    ("ite", ""),
    ("ives", ""),
    ("ive", ""),
    ("ifs", ""),
    ("if", ""),
    ("ies", ""),
    ("ie", ""),
    ("ees", ""),
    ("ee", ""),
    ("ers", ""),
    ("er", ""),
    ("es", ""),
    ("e", ""),
    ("s", ""),
    ("x", ""),
)
#: a stem keeps at least this many letters (shorter words are left as they are)
MIN_STEM = 4


def stem(word: str) -> str:
    """A light French stemmer (in the spirit of J. Savoy's "light" stemmers): the first rule of :data:`_RULES`
    whose ending the word has and that leaves a stem of at least :data:`MIN_STEM` letters is applied, once.
    ``développement``, ``développer`` → ``developp``; ``sociaux``, ``sociales`` → ``social``; ``éducation``,
    ``éducatifs``, ``éducative`` → ``educat``. Numbers are kept as they are."""
    if word.isdigit() or len(word) <= MIN_STEM:
        return word
    for ending, replacement in _RULES:
        if word.endswith(ending) and len(word) - len(ending) + len(replacement) >= MIN_STEM:
            return word[: len(word) - len(ending)] + replacement
    return word


def normalise(text: str) -> str:
    """The comparison form of a text: folded, lower-case, words of letters and digits joined by one space.
    Two commitments with the same normalised form are an exact match."""
    folded = fold(text).lower().translate(_LIGATURES)
    return " ".join(_WORD.findall(_ELISION.sub(" ", folded)))


def tokens(text: str) -> list[str]:
    """The stems of a text's words, stop words removed, in text order."""
    return [stem(w) for w in normalise(text).split() if w not in STOP_WORDS and len(w) > 1]


@dataclass(frozen=True)
class Doc:
    """One commitment as the matcher sees it."""

    pid: str
    key: str  # commitment key in its protocol, e.g. L452
    line: int
    text: str

    @property
    def ident(self) -> str:
        """``valence-L452``: the key a match node is named with."""
        return f"{self.pid}-{self.key}"

    @property
    def iri(self) -> URIRef:
        return ns.in_protocol(self.pid, "commitment", self.key)


@dataclass(frozen=True)
class Match:
    a: Doc
    b: Doc
    score: float  # rounded to DIGITS
    exact: bool
    terms: tuple[str, ...]  # stems shared by the two texts, heaviest first

    @property
    def ident(self) -> str:
        return f"{self.a.ident}--{self.b.ident}"

    @property
    def iri(self) -> URIRef:
        return ns.ID[f"match/{self.ident}"]

    @property
    def relation(self) -> str:
        return "exact" if self.exact else "close"


def documents(protocols: list[Protocol]) -> list[Doc]:
    """Every commitment of every protocol, sorted by protocol id and document order."""
    docs = [Doc(p.pid, c.key, c.span.start, c.text) for p in protocols for c in p.commitments]
    return sorted(docs, key=lambda d: (d.pid, d.line, d.key))


class Index:
    """TF-IDF vectors of a corpus of commitments (raw counts, smoothed idf, L2-normalised)."""

    def __init__(self, docs: list[Doc]):
        self.docs = docs
        self.counts = [Counter(tokens(d.text)) for d in docs]
        df: Counter = Counter()
        for c in self.counts:
            df.update(sorted(c))
        n = len(docs)
        self.idf = {t: math.log((1 + n) / (1 + df[t])) + 1.0 for t in sorted(df)}
        self.vectors = []
        for c in self.counts:
            weights = {t: c[t] * self.idf[t] for t in sorted(c)}
            norm = math.sqrt(math.fsum(w * w for w in weights.values()))
            self.vectors.append({t: w / norm for t, w in weights.items()} if norm else {})
        self.normal = [normalise(d.text) for d in docs]

    def cosine(self, i: int, j: int) -> tuple[float, list[tuple[str, float]]]:
        """The cosine of documents ``i`` and ``j`` and each shared stem's contribution to it."""
        u, v = self.vectors[i], self.vectors[j]
        shared = sorted(set(u) & set(v))
        parts = [(t, u[t] * v[t]) for t in shared]
        return math.fsum(p for _, p in parts), parts


def _pair(da: Doc, db: Doc) -> tuple[Doc, Doc]:
    return (da, db) if da.ident < db.ident else (db, da)


def candidates(protocols: list[Protocol], floor: float = 0.0, min_shared: int = MIN_SHARED) -> list[Match]:
    """Every pair of commitments of two different protocols scoring at least ``floor`` (exact pairs always),
    sorted by score (highest first) then by key. Used to draw and check the hand-checked sample."""
    docs = documents(protocols)
    index = Index(docs)
    # twins[i]: the protocols that hold a word-for-word copy of commitment i
    twins: list[set[str]] = [set() for _ in docs]
    by_text: dict[str, list[int]] = {}
    for i, text in enumerate(index.normal):
        if text:
            by_text.setdefault(text, []).append(i)
    for group in by_text.values():
        for i in group:
            twins[i].update(docs[j].pid for j in group if docs[j].pid != docs[i].pid)
    out = []
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if docs[i].pid == docs[j].pid:
                continue
            a, b = _pair(docs[i], docs[j])
            if index.normal[i] and index.normal[i] == index.normal[j]:
                _, parts = index.cosine(i, j)
                out.append(Match(a, b, 1.0, True, _explain(parts)))
                continue
            if docs[j].pid in twins[i] or docs[i].pid in twins[j]:
                # a text copied word for word into the other protocol is matched to its copy only, not to the
                # copy's neighbours (the other bullets of the same list)
                continue
            score, parts = index.cosine(i, j)
            score = round(score, DIGITS)
            if score >= floor and len(parts) >= min_shared:
                out.append(Match(a, b, score, False, _explain(parts)))
    return sorted(out, key=lambda m: (-m.score, m.ident))


def _explain(parts: list[tuple[str, float]]) -> tuple[str, ...]:
    return tuple(t for t, _ in sorted(parts, key=lambda x: (-x[1], x[0]))[:EXPLAIN_TERMS])


def find_matches(protocols: list[Protocol], threshold: float = THRESHOLD) -> list[Match]:
    """The recorded matches: exact pairs, and close pairs scoring at least ``threshold``."""
    return [m for m in candidates(protocols, threshold) if m.exact or m.score >= threshold]


def method_description(threshold: float = THRESHOLD) -> str:
    """The method and its parameters, as recorded on every match node."""
    return (
        f"{METHOD_NAME}: exact rule = identical normalised text (accent-folded, lower-case, punctuation "
        f"removed) -> skos:exactMatch, score 1; otherwise TF-IDF cosine over the {{corpus}} commitment texts "
        f"of the build (accent-folded lower-case words, {len(STOP_WORDS)} French stop words removed, light "
        f"suffix stemming with stems of at least {MIN_STEM} letters, raw tf, idf = ln((1+N)/(1+df))+1, "
        f"L2-normalised), pairs from two different protocols, score >= {threshold} and at least {MIN_SHARED} "
        f"shared stems -> skos:closeMatch"
    )


def matches_graph(protocols: list[Protocol], threshold: float = THRESHOLD) -> Graph:
    """The named graph ``graph:matches``: one mapping triple and one qualified node per matched pair."""
    g = Graph()
    corpus = sum(len(p.commitments) for p in protocols)
    method = Literal(method_description(threshold).replace("{corpus}", str(corpus)))
    for m in find_matches(protocols, threshold):
        predicate = SKOS.exactMatch if m.exact else SKOS.closeMatch
        g.add((m.a.iri, predicate, m.b.iri))
        node = m.iri
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.subject, m.a.iri))
        g.add((node, RDF.predicate, predicate))
        g.add((node, RDF.object, m.b.iri))
        g.add((node, RDF.value, Literal(f"{m.score:.{DIGITS}f}", datatype=XSD.decimal)))
        g.add((node, DCTERMS.description, method))
        g.add((node, SKOS.note, Literal("shared stems, heaviest first: " + ", ".join(m.terms))))
    return g


# --- the hand-checked sample ----------------------------------------------------------------------------------

#: the hand-checked sample holds every close pair scoring at least this (the threshold was chosen from it) …
SAMPLE_FLOOR = 0.35
#: … and this many exact pairs (identical normalised texts), drawn in a fixed pseudo-random order
SAMPLE_EXACT = 8


def _draw_key(m: Match) -> str:
    return hashlib.sha256(m.ident.encode("utf-8")).hexdigest()


def stratified_sample(
    pairs: list[Match], floor: float = SAMPLE_FLOOR, exact: int = SAMPLE_EXACT
) -> list[Match]:
    """The pairs to check by hand: every close pair scoring at least ``floor`` (a few dozen here, so all of them
    rather than a subset) and ``exact`` exact pairs, those whose SHA-256 of their key comes first (an order that
    does not depend on the run). Sorted by score, highest first."""
    close = [m for m in pairs if not m.exact and m.score >= floor]
    same = sorted((m for m in pairs if m.exact), key=_draw_key)[:exact]
    return sorted(close + same, key=lambda m: (-m.score, m.ident))
