"""``seuil hub``: the only owner of the database."""
