"""SPARQL: the query library, the check every query passes, and running queries on the embedded store.

:mod:`.library` reads ``queries/*.rq``, their headers and parameters; :mod:`.safety` refuses updates, SERVICE,
foreign FROM and oversized queries before any engine sees a query, with :mod:`.lex` (the tokens),
:mod:`.limits` (their shape), :mod:`.canonical` (the text every engine receives) and :mod:`.tree` (rdflib's
parse, bounded); :mod:`.run` runs queries on the embedded store (held or streamed answers, under limits) in a
child process (:mod:`.child`) without network (:mod:`.sandbox`); :mod:`.output` writes answers.
"""
