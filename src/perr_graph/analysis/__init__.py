"""Analysis across protocols: matched commitments (:mod:`.matching`), comparison tables (:mod:`.compare`) and
the partner network (:mod:`.network`), both reading the query library's answers as plain records
(:mod:`.answers`)."""
