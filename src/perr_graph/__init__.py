"""perr-graph: the French PERR urban-policy protocols as an RDF knowledge graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perr-graph")
except PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0.0.0"
