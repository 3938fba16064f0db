"""Remote SPARQL services: queries to any SPARQL 1.1 endpoint and loads into any Graph Store Protocol store
(:mod:`.endpoint`), with bounded retries."""
