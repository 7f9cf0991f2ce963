"""``seuil node``: the daemon at a reader. It decides alone from its last snapshot."""
