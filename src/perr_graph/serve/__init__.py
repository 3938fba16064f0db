"""``perr serve``: Oxigraph's SPARQL server behind a checking front, and the query page it serves."""
