"""SPARQL: the query library, running queries on the embedded store, and the safety check every query passes.

:mod:`.library` reads ``queries/*.rq`` and their headers, binds parameters and runs queries (held or streamed);
:mod:`.safety` refuses updates, SERVICE and foreign FROM before any engine sees a query; :mod:`.lex` is the
SPARQL lexer both use.
"""
