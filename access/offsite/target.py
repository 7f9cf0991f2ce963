"""Where the off-site copy goes, parsed from ``[backup] target`` (pure: no I/O).

>>> parse_target("sftp://backup@nas.local:2222/srv/seuil")
Target(kind='sftp', path='/srv/seuil', host='nas.local', port=2222, user='backup', bucket='')
>>> parse_target("/media/usb/seuil").kind
'file'
>>> parse_target("s3://la-ruche/seuil").bucket
'la-ruche'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

KINDS = ("file", "sftp", "s3")
DATABASE = "database"
"""The database's replica under the target."""
SITE_FILES = "site-files"
"""The replica of the site's files (config, rules, the encrypted secrets) under the target."""


class TargetError(ValueError):
    """A target that cannot be used, with a message saying how to write it."""


@dataclass(frozen=True, slots=True)
class Target:
    kind: Literal["file", "sftp", "s3"]
    path: str
    """The folder: on this machine (file), on the server (sftp), or the key prefix (s3)."""
    host: str = ""
    port: int = 22
    user: str = ""
    bucket: str = ""

    def under(self, name: str) -> str:
        """The path of ``name`` (``DATABASE``, ``SITE_FILES``) inside the target."""
        base = self.path.rstrip("/")
        return f"{base}/{name}" if base else name

    def __str__(self) -> str:
        if self.kind == "file":
            return self.path
        if self.kind == "s3":
            return f"s3://{self.bucket}/{self.path}"
        return f"sftp://{self.user}@{self.host}:{self.port}{self.path}"


def parse_target(text: str) -> Target:
    """A ``Target`` from ``/folder``, ``file:///folder``, ``sftp://user@host[:port]/path`` or
    ``s3://bucket[/prefix]``; ``TargetError`` otherwise."""
    text = text.strip()
    if text.startswith("/"):
        return Target("file", text.rstrip("/") or "/")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc or not parts.path.startswith("/"):
            raise TargetError(f'"{text}": write a folder as file:///absolute/path or /absolute/path')
        return Target("file", unquote(parts.path).rstrip("/") or "/")
    if scheme == "sftp":
        if not parts.hostname or not parts.username:
            raise TargetError(f'"{text}": write it as sftp://user@host[:port]/path')
        try:
            port = parts.port or 22
        except ValueError:
            raise TargetError(f'"{text}": the port must be a number') from None
        if parts.password:
            raise TargetError(f'"{text}": no password in the target; use [backup] ssh_key')
        path = unquote(parts.path)
        if not path.startswith("/") or path == "/":
            raise TargetError(f'"{text}": give the folder on the server, e.g. sftp://{parts.username}@'
                              f"{parts.hostname}/srv/seuil")
        return Target("sftp", path.rstrip("/"), host=parts.hostname, port=port, user=unquote(parts.username))
    if scheme == "s3":
        if not parts.hostname:
            raise TargetError(f'"{text}": write it as s3://bucket/prefix')
        return Target("s3", unquote(parts.path).strip("/"), bucket=parts.netloc)
    raise TargetError(f'"{text}" is not a target: a folder (/media/usb/seuil), '
                      "sftp://user@host/path or s3://bucket/prefix")
