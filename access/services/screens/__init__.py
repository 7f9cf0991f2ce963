"""The read models of the kiosk's screens: what a screen shows, read from the store, never written.

``welcome`` for the member who just tapped, ``dashboard`` for the volunteers' dashboard (who is in,
machines in use, the day's chart, the fire roll-call). The screens' actions (selling a day pass,
checking a door code) are use cases in ``access.services``.
"""
