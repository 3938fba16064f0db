"""``perr serve``: Oxigraph's server behind a checking front, and the query page it serves.

:mod:`.service` starts and stops the two; :mod:`.oxigraph` keeps the engine (Oxigraph behind :mod:`.gate`, off
the network where the platform allows it, restarted when it fails); :mod:`.front` is the HTTP server, with the
same-origin rules of :mod:`.origin`, the checks of :mod:`.checker` in worker processes, and the round trips to
the engine of :mod:`.upstream`.
"""
