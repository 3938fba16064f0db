"""A synthetic France: N protocols in the project's model, following the real five (``perr synth``)."""
