"""Remote SPARQL services: queries to any SPARQL 1.1 endpoint (:mod:`.endpoint`), loads into any Graph Store
Protocol store (:mod:`.graphstore`), with bounded retries (:mod:`.retry`, by tenacity)."""
