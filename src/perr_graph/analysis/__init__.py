"""Analysis across protocols: matched commitments (:mod:`.matching`), comparison tables (:mod:`.compare`), the
partner network (:mod:`.network`), the concepts' labels in French and English read from the ontology
(:mod:`.concepts`) and file names made safe from ids in the data (:mod:`.names`); all read the query library's
answers as plain records (:mod:`.answers`)."""
