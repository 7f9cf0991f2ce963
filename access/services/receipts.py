"""Receipts by e-mail, when the site has configured outgoing mail ([mail] in seuil.toml)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from access.domain.email_address import is_email_address
from access.errors import InvalidInput, Unavailable
from access.services import audit
from access.services.context import Site

TIMEOUT_S = 15


class Receipt(Protocol):
    @property
    def id(self) -> int: ...


def send(site: Site, address: str, subject: str, lines: list[str], receipt: Receipt) -> str:
    """Mail ``lines`` to ``address``; returns the address. Nothing about it is stored but the audit."""
    mail = site.config.mail
    address = address.strip()
    if not mail.host:
        raise Unavailable("this site sends no e-mail")
    if not is_email_address(address):
        raise InvalidInput(f'"{address}" is not an e-mail address')
    message = EmailMessage()
    message["From"] = mail.sender or mail.username or f"seuil@{mail.host}"
    message["To"] = address
    message["Subject"] = f"{site.config.site.name} — {subject} #{receipt.id}"
    message.set_content("\n".join([site.config.site.name, "", *lines, ""]))
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT_S) as smtp:
            if mail.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if mail.username:
                password = site.config.read_password(mail.password_file, "the mail password file")
                smtp.login(mail.username, password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise Unavailable(f"the receipt could not be sent ({error})") from None
    with site.store.write() as session:
        audit.record(session, site, "receipt.email", f"day pass #{receipt.id}", actor="kiosk")
    return address
