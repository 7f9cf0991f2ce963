"""What the receipts need from a way of sending mail."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class MailError(Exception):
    """The message could not be handed over (server unreachable, refused, sign-in failed)."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` (with its From and To) to the mail system, or raise ``MailError``."""
        ...
