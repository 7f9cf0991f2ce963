"""Receipts by e-mail, when the site has configured outgoing mail ([mail] in seuil.toml)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from access.domain.email_address import is_email_address
from access.errors import InvalidInput, Unavailable
from access.mail import Mailer, MailError, smtp_mailer
from access.services import audit
from access.services.context import Site


class Receipt(Protocol):
    @property
    def id(self) -> int: ...


def send(site: Site, address: str, subject: str, lines: list[str], receipt: Receipt,
         mailer: Mailer | None = None) -> str:
    """Mail ``lines`` to ``address``; returns the address. Nothing about it is stored but the audit.

    ``mailer``: how the message goes; by default the SMTP server of ``[mail]``.
    """
    mail = site.config.mail
    address = address.strip()
    mailer = mailer or smtp_mailer(site.config)
    if mailer is None:
        raise Unavailable("this site sends no e-mail")
    if not is_email_address(address):
        raise InvalidInput(f'"{address}" is not an e-mail address')
    message = EmailMessage()
    message["From"] = mail.sender or mail.username or f"seuil@{mail.host}"
    message["To"] = address
    message["Subject"] = f"{site.config.site.name} — {subject} #{receipt.id}"
    message.set_content("\n".join([site.config.site.name, "", *lines, ""]))
    try:
        mailer.send(message)
    except MailError as error:
        raise Unavailable(f"the receipt could not be sent ({error})") from None
    with site.store.write() as session:
        audit.record(session, site, "receipt.email", f"day pass #{receipt.id}", actor="kiosk")
    return address
