"""``seuil demo``: the whole stack on one machine, simulated hardware, a sample association."""
