"""Analysis across protocols: matched commitments (:mod:`.matching`), comparison tables (:mod:`.compare`) and
the partner network (:mod:`.network`)."""
