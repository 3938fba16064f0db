"""Drafting a protocol's configuration from its text alone (``perr add``).

:mod:`.document` sees the text as lines of known kinds (headings, bullets, table rows, page footers, a table of
contents); :mod:`.parties` knows the organisations the text names (the registry's, and those it proposes, each
with the line it comes from); :mod:`.layouts` finds the layouts the readers read (matrix tables and their legend,
objectives tables, tables naming a structure per row, "X s'engage(nt) à" prose, signature pages) and
:mod:`.facts` the facts stated once (title, period, signing, the contrat de ville); :mod:`.draft` holds the draft
and writes it as TOML and CSV rows; :mod:`.run` drafts, reads the draft with the project's own readers, and
narrows any block a reader refuses until the draft builds.

Nothing is guessed beyond what the text shows: a draft only writes what a layout's own words say (a legend's marks,
a "pilote :" parenthesis, an intro "X s'engage à"), and every organisation it proposes carries the line it comes
from and stays ``proposed`` until a person reviews it.
"""
