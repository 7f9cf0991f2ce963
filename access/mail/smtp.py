"""E-mail through an SMTP server: STARTTLS when asked, a sign-in when a username is set."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from access.config import Config
from access.mail.mailer import MailError

TIMEOUT_S = 15


def _no_password() -> str:
    return ""


@dataclass(frozen=True, slots=True)
class SmtpMailer:
    host: str
    port: int = 587
    starttls: bool = True
    username: str = ""
    password: Callable[[], str] = _no_password
    """Read only when signing in, so the secret stays in its file until a message goes."""
    timeout_s: float = TIMEOUT_S

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password())
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(str(error)) from None


def smtp_mailer(config: Config) -> SmtpMailer | None:
    """The mailer of ``[mail]`` in seuil.toml; None when it names no host (the site sends no mail)."""
    mail = config.mail
    if not mail.host:
        return None
    return SmtpMailer(mail.host, mail.port, mail.starttls, mail.username,
                      lambda: config.read_password(mail.password_file, "the mail password file"))
