"""What Seuil takes for an e-mail address: a member's, or where a receipt goes."""

from __future__ import annotations

import re

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
"""Something, an @, a domain with a dot; no spaces. The mail server has the last word."""


def is_email_address(text: str) -> bool:
    """True for ``ada@example.org``; False for ``ada@example`` or ``ada example.org``.

    >>> is_email_address("ada@example.org"), is_email_address("ada@example")
    (True, False)
    """
    return EMAIL.match(text) is not None
