"""pytest's root, loaded before any test or doctest: Qt runs offscreen, GPIO on gpiozero's mock pins.

Here rather than in tests/conftest.py because the doctests of access/domain and access/hardware
(``testpaths`` in pyproject.toml) run too, and ``DoorStrike``'s example switches a pin.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the kiosk's on-screen keyboard, as `seuil kiosk` sets it: pytest-qt makes the application first
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
