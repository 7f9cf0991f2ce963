"""Use cases. The CLI, the kiosk and the hub call these; none of them holds a rule."""
