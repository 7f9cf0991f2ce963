"""MQTT: topic names, versioned payloads, the durable outbox and the paho wrapper."""
