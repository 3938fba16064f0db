"""SPARQL: the query library, running queries on the embedded store, writing answers, and the safety check every
query passes.

:mod:`.library` reads ``queries/*.rq``, their headers and parameters; :mod:`.run` runs queries on the embedded
store (held or streamed answers, under limits); :mod:`.output` writes answers (W3C results formats, tables);
:mod:`.safety` refuses updates, SERVICE and foreign FROM before any engine sees a query; :mod:`.lex` is the
SPARQL lexer they use.
"""
