"""Names from the data made safe for the file system: an id read from a dataset (a protocol id, a partner id)
becomes part of a file name only if it is a plain slug; anything else (``x/../../../pwned``, a space, a capital)
is replaced by a digest of it, so no dataset can make a command write outside its output folder."""

from __future__ import annotations

import hashlib
import re

#: what an id must look like to be used as it is in a file name
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


def file_stem(ident: str) -> str:
    """``ident`` if it is a slug, else ``_`` and 16 hex digits of its SHA-256 (no slug starts with ``_``)."""
    if SLUG.fullmatch(ident):
        return ident
    return "_" + hashlib.sha256(ident.encode("utf-8")).hexdigest()[:16]
