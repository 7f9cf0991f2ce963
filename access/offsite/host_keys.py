"""The SFTP server's host key: which one Litestream must be given (pure: no I/O).

Litestream checks an SFTP server only against one pinned key (``host-key``); without it, it
connects to whoever answers. Seuil therefore always gives it one: ``[backup] ssh_host_key``
(or ``seuil restore --ssh-host-key``), else the server's entry in an OpenSSH known_hosts file.

Litestream's SSH client (Go's) asks for the server's ECDSA key first, then RSA, then Ed25519,
and refuses any other than the pinned one: of a server's several known keys, the one to pin is
the first of that order (``choose``). A server with an ECDSA key pinned by its Ed25519 key is
refused as if it had changed.

>>> choose(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", "ecdsa-sha2-nistp256 AAAAE2VjZHNh"])
'ecdsa-sha2-nistp256 AAAAE2VjZHNh'
>>> known_keys("[nas.local]:2222 ssh-ed25519 AAAAC3Nz\\nnas.local ssh-rsa AAAAB3", "nas.local", 2222)
['ssh-ed25519 AAAAC3Nz']
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

PREFERENCE = ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
              "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa", "ssh-dss", "ssh-ed25519")
"""Go's x/crypto/ssh host key algorithms, in the order its client asks for them."""
KEY_TYPES = frozenset(PREFERENCE)


class HostKeyError(ValueError):
    """A host key line that cannot be used, with a message saying how to write it."""


def key_line(text: str) -> str:
    """``type base64`` from a public key line (``ssh-ed25519 AAAA... comment``), checked."""
    fields = text.split()
    if len(fields) < 2 or fields[0] not in KEY_TYPES:
        raise HostKeyError(f'"{text.strip()[:60]}" is not a host key: give the server\'s public key line, '
                           'e.g. "ecdsa-sha2-nistp256 AAAAE2Vj..." (its /etc/ssh/ssh_host_ecdsa_key.pub)')
    try:
        base64.b64decode(fields[1], validate=True)
    except binascii.Error:
        raise HostKeyError(f"the host key of type {fields[0]} is not valid base64") from None
    return f"{fields[0]} {fields[1]}"


def _host_names(host: str, port: int) -> tuple[str, ...]:
    """How known_hosts names ``host``: ``[host]:port`` off port 22."""
    return (host,) if port == 22 else (f"[{host}]:{port}",)


def _hashed_match(pattern: str, name: str) -> bool:
    """OpenSSH's ``|1|salt|hash`` entry (HashKnownHosts): HMAC-SHA1 of the name keyed by the salt."""
    parts = pattern.split("|")
    if len(parts) != 4 or parts[1] != "1":
        return False
    try:
        salt, digest = base64.b64decode(parts[2]), base64.b64decode(parts[3])
    except binascii.Error:
        return False
    return hmac.compare_digest(hmac.new(salt, name.encode(), hashlib.sha1).digest(), digest)


def _glob(pattern: str, name: str) -> bool:
    """OpenSSH's patterns: ``*`` and ``?`` only (``[host]:port`` is literal), case-insensitive."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name, flags=re.IGNORECASE) is not None


def _matches(patterns: str, name: str) -> bool:
    """Whether a known_hosts line's comma-separated patterns name ``name`` (``!`` negates)."""
    matched = False
    for pattern in patterns.split(","):
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        hit = _hashed_match(pattern, name) if pattern.startswith("|") else _glob(pattern, name)
        if hit and negated:
            return False
        matched = matched or hit
    return matched


def known_keys(text: str, host: str, port: int = 22) -> list[str]:
    """The keys a known_hosts text holds for ``host:port`` (revoked ones and CAs left out)."""
    names = _host_names(host, port)
    keys: list[str] = []
    for raw in text.splitlines():
        fields = raw.split()
        if not fields or fields[0].startswith("#") or fields[0].startswith("@"):
            continue  # a comment, @revoked or @cert-authority: never a key to trust by itself
        if len(fields) < 3 or not any(_matches(fields[0], name) for name in names):
            continue
        try:
            keys.append(key_line(" ".join(fields[1:3])))
        except HostKeyError:
            continue
    return keys


def revoked_keys(text: str) -> set[str]:
    """The keys a known_hosts text marks ``@revoked``, for any host."""
    return {f"{f[2]} {f[3]}" for f in (line.split() for line in text.splitlines())
            if len(f) >= 4 and f[0] == "@revoked"}


def choose(keys: list[str]) -> str:
    """The key Litestream's client will ask the server for, among ``keys`` (all of one server)."""
    if not keys:
        raise HostKeyError("no host key")
    return min(keys, key=lambda k: PREFERENCE.index(k.split()[0]))
