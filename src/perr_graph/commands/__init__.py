"""One module per ``perr`` subcommand (see ``perr_graph.cli``)."""
