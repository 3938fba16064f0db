"""A synthetic France of protocols: realistic, deterministic data in our model, to measure the graph at scale.

About 435 contrats de ville exist in France; with the protocols users add, the national graph holds some 500.
``perr synth`` makes such a graph without the texts: N protocols ``synth-0001`` … ``synth-N`` that look like the
real five, each with its own synthetic source text, every fact citing the lines of that text that hold its
quote (``docs/model.md``, "Provenance"), emitted by the same :func:`perr_graph.rdf.emit.protocol_graph` as the real
ones, so the output is exactly our model and conforms to the same shapes.

What is taken from the real five (:class:`.basis.Basis`, computed from ``build(write=False)``, never hard-coded):

- **Layout.** Each synthetic protocol follows one real protocol, its *template*, drawn uniformly: it copies the
  structure of runs of consecutive commitments of the template (3 to 12 at a time, from a random start): their
  pillars and themes, sections, enjeux and objectives, the number of partners involved in each, every
  involvement's role, reading rule and whether its evidence is a table cell, the commitment's own words or an
  introductory line ("X s'engage à :"), the indicators and targets, amounts and places named. The partner mix,
  the share of commitments with a known lead, and the indicators therefore follow the real distributions.
- **Counts.** The number of commitments is drawn from a normal law with the mean and standard deviation of the
  real counts. Signatories, governance bodies, population figures, referenced documents, QPV, territories de
  veille and statistics tables are those of the template, mapped onto synthetic partners and territories.
- **Sharing.** A real partner's level says who else uses it (:func:`.basis.partner_levels`): *national* (used by
  protocols of several départements: the State, the Caisse des Dépôts, Pôle emploi…) keeps its real id and is
  shared by every synthetic protocol; *region* (a region or an ARS, or a body whose jurisdiction is a region)
  and *departement* (used by several protocols of one département, or a département's own body: CAF, CPAM, the
  Département and its directions, the State's departmental services) become one synthetic body per synthetic
  region or département, shared by the protocols there; *protocol* (everything else: the EPCI, the communes,
  local associations, collective parties) is minted per protocol.
- **Geography.** France's 101 départements in 18 regions, and about 435 contrats de ville: N protocols spread
  over ``ceil(N × 101 / 435)`` départements (at most 101), grouped in proportionally many regions.

Determinism: protocol *i* depends only on ``(seed, i)`` (``random.Random(f"perr-synth:{seed}:{i}")``), names of
regions and départements on ``(seed, number)``; everything written is sorted. Same N and seed, same bytes,
whatever the number of worker processes.

Streaming: each protocol is emitted into its own small set of triples, serialised and dropped; only the
registry (partners and territories, a small fraction of the triples) is held until the end.

Modules: :mod:`.basis` what is learnt from the real protocols; :mod:`.names` the words of the texts;
:mod:`.territory` the geography and the minting of territories; :mod:`.partners` the minting of partners;
:mod:`.text` the synthetic source text; :mod:`.draft` one protocol while it is written; :mod:`.protocol` one
synthetic protocol (:func:`.protocol.generate`); :mod:`.commitments` its commitments; :mod:`.registry` the
synthetic registry; :mod:`.write` the output, streamed (:func:`.write.write`, what ``perr synth`` runs).
"""
