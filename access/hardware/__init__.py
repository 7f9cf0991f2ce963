"""The node's hardware behind small nouns: readers, relays, feedback, inputs (gpiozero pins)."""
