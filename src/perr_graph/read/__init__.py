"""Reading: source texts into records (:mod:`perr_graph.model`), one reader per layout.

:mod:`.table` is the one list of readers (name → block model, function); :mod:`.blocks` holds the keys each
reader's ``[[read]]`` blocks may have; :mod:`.protocol` runs the readers a protocol's configuration names over its
text and applies the rules every commitment shares; :mod:`.base` holds what readers share (the reading context,
quotes checked against the text); each other module reads one family of layouts (matrix of marks, objectives
tables, prose, signatures, statistics and amounts tables, anchored facts). Three modules hold rules every layout
shares: :mod:`.marks` (how one cell of a table of marks becomes involvements), :mod:`.words` (what a commitment's
own words add: a chef de file, a scheme's carrier, a committing party) and :mod:`.actors` (the prose sentences in
which a named actor commits or will act); :mod:`.inference` applies the hypotheses, apart. Readers know the
registry but not RDF.
"""
