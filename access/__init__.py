"""Seuil: the doorstep of a community coworking space and makerspace."""

__version__ = "0.1.0"
