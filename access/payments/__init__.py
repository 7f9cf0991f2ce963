"""Online payments for the kiosk: a provider interface, HelloAsso, and a fake one."""
