"""The node's hardware behind small nouns: readers, relays, feedback, inputs (gpiozero pins)."""

Pin = int | str
"""A GPIO: a BCM number (17), or a gpiozero pin name ("GPIO17", "BOARD11")."""
