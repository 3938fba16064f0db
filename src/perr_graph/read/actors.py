"""Actors named in running prose: which sentences of a paragraph are commitments, and of whom.

A sentence is an actor sentence when an organisation the partner registry knows commits or will act in it:

* "X s'engage(nt) à …" (rule ``inline-commitment``): X is a committing party. X must be known to the registry:
  an "s'engage" whose subject the registry does not know is an error, never a silent skip;
* X, named before a verb in the future or the conditional ("L'Opac38, Dauphilogis et Pluralis mettront en
  œuvre", Pays Voironnais line 150; "le Pays Voironnais poursuivra", line 71; "La Maison de l'Emploi
  consacrerait", line 37), or as the agent of a passive in the future ("Celles-ci seront soutenues par les
  collectivités", line 106) (rule ``named-actor``): X is a committing party;
* in a paragraph that follows a bullet, X named by "porté(e) par X" or "mis(e) en place par X" after a named
  scheme ("Le dispositif « PRESCRI'BOUGE », porté par le CDOSI", line 127; "le CLSM mis en place par le CIAS",
  line 131): X is the scheme's carrier (:func:`perr_graph.read.words.by_words`, rule ``scheme-carrier``).

A paragraph is cut at each actor sentence: each piece (an actor sentence and the sentences without an actor that
follow it; those before the first actor sentence join the first piece) is one commitment. A paragraph with no
actor sentence stays the description of the bullet it follows (:mod:`perr_graph.read.prose`): a bullet's
follow-up paragraphs are its description only when they name no other actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perr_graph.read.base import Context
from perr_graph.read.words import Found, by_words
from perr_graph.text import fold

SENTENCE = re.compile(r"(?<=[.!?»])\s+(?=[A-ZÀ-Ý«])")
_ENGAGE = re.compile(r"s'engagen?t?\b", re.IGNORECASE)
#: a verb in the future or the conditional, third person ("mettront", "poursuivra", "consacrerait")
_FUTURE = re.compile(r"\b(?:s'|se\s+)?([a-zàâäéèêëîïôöùûüç]{2,}(?:ra|ront|rait|raient))\b", re.IGNORECASE)
#: words with those endings that are not verbs in the future or the conditional
_NOT_VERBS = {
    "portrait",
    "retrait",
    "attrait",
    "extrait",
    "abstrait",
    "trait",
    "opera",
    "camera",
    "extra",
    "entra",
}
#: the agent of a passive in the future: "seront soutenues par X"
_AGENT = re.compile(r"\b(?:sera|seront|serait|seraient)\s+[a-zàâäéèêëîïôöùûüç]+\s+par\s+", re.IGNORECASE)


@dataclass
class Piece:
    """One commitment cut from a paragraph: its sentences and who is named in them."""

    sentences: list[str] = field(default_factory=list)
    actors: list[Found] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def pieces(ctx: Context, text: str, line: int, after_bullet: bool) -> list[Piece]:
    """The commitments of one paragraph (module docstring); empty when it has no actor sentence."""
    out: list[Piece] = []
    before: list[str] = []
    for sentence in SENTENCE.split(text):
        actors = sentence_actors(ctx, sentence, line, after_bullet)
        if actors:
            out.append(Piece([*before, sentence], actors))
            before = []
        elif out:
            out[-1].sentences.append(sentence)
        else:
            before.append(sentence)
    return out


def sentence_actors(ctx: Context, sentence: str, line: int, after_bullet: bool) -> list[Found]:
    """Who commits or will act in one sentence, with the words as written (module docstring)."""
    found: list[Found] = []
    engage = _ENGAGE.search(sentence)
    if engage is not None:
        subject = _subject(sentence[: engage.start()])
        partners = ctx.partners_in_phrase(subject, line)
        evidence = sentence[sentence.find(subject) if subject in sentence else 0 : engage.end()]
        found += [(p, evidence, "partie-qui-s-engage", "inline-commitment") for p in partners]
    else:
        verb = next(
            (m for m in _FUTURE.finditer(sentence) if fold(m.group(1)).lower() not in _NOT_VERBS), None
        )
        if verb is not None:
            hits = _subjects(ctx, sentence[: verb.start()])
            if hits:
                first = hits[0][1]
                evidence = sentence[first : verb.end()]
                found += [(a, evidence, "partie-qui-s-engage", "named-actor") for a, _s, _e in hits]
        for m in _AGENT.finditer(sentence):
            hits = _known(ctx, sentence[m.end() : m.end() + 100])
            if hits and hits[0][1] == 0:
                alias_end = m.end() + hits[0][2]
                found.append(
                    (hits[0][0], sentence[m.start() : alias_end], "partie-qui-s-engage", "named-actor")
                )
    if after_bullet:
        found += [f for f in by_words(ctx, sentence) if f[3] == "scheme-carrier"]
    return _unique(found)


def _subject(phrase: str) -> str:
    """The words before "s'engage(nt)", without a leading "Cela sera possible si" and clause openers."""
    p = re.sub(r"^cela sera possible si\s+", "", phrase.strip(), flags=re.IGNORECASE)
    return p.strip(" ,")


#: a boundary after which the verb's subject stands: a relative pronoun, a semicolon, a colon
_CLAUSE = re.compile(r"\b(?:qui|(?<!tels )(?<!telles )(?<!ainsi )que|qu'|dont|où)\s|[;:]", re.IGNORECASE)
#: words that make the name after them a complement, not a subject
_COMPLEMENT = {
    "de",
    "du",
    "des",
    "d",
    "par",
    "avec",
    "a",
    "au",
    "aux",
    "en",
    "pour",
    "sur",
    "dans",
    "entre",
    "vers",
    "chez",
    "aupres",
    "contre",
    "sans",
}


def _subjects(ctx: Context, head: str) -> list[tuple[str, int, int]]:
    """The organisations named as the subject of the verb that follows ``head``: those of the last clause of
    ``head`` (after a relative pronoun, a semicolon or a colon: "des actions qui pourront …" has no named
    subject) that no preposition or "de" makes a complement ("le contrat de ville de Loriol" is no subject)."""
    cut = 0
    for m in _CLAUSE.finditer(head):
        cut = m.end()
    folded = fold(head)
    out = []
    for partner, s, e in _known(ctx, head[cut:]):
        before = re.split(r"[\s']+", folded[: cut + s].strip().lower())
        if before and before[-1] in _COMPLEMENT:
            continue
        out.append((partner, cut + s, cut + e))
    return out


def _known(ctx: Context, text: str) -> list[tuple[str, int, int]]:
    """The organisations the registry knows in ``text``: (partner id, start, end) in ``text``'s offsets (folded
    text keeps the offsets of a cleaned text)."""
    return [
        (a.target, s, e) for a, s, e in ctx.registry.partner_aliases.search(text, ctx.pid) if a.target != "-"
    ]


def _unique(found: list[Found]) -> list[Found]:
    out: list[Found] = []
    for f in found:
        if not any(o[0] == f[0] and o[2] == f[2] for o in out):
            out.append(f)
    return out
