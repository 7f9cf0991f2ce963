"""Outgoing e-mail behind a small interface (``Mailer``), as payments are behind ``PaymentProvider``.

``SmtpMailer`` speaks SMTP to the server of ``[mail]`` in seuil.toml; a test or another transport
only has to offer ``send(message)``.
"""

from access.mail.mailer import Mailer, MailError
from access.mail.smtp import SmtpMailer, smtp_mailer

__all__ = ["MailError", "Mailer", "SmtpMailer", "smtp_mailer"]
