"""What the tests share: golden-answer normalisation, Oxigraph servers on loopback."""
