"""Shared fixtures. Qt runs offscreen and GPIO on gpiozero's mock pins in every test."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
