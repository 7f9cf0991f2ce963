"""A second Pi joins the site in one step: the hub packs what that Pi needs into one file
(``seuil mqtt join NODE``), the volunteer carries it over, and ``install.sh --join FILE`` (through
``seuil mqtt unpack``) puts it in place.

The bundle is a tar file, private (0600: it holds secrets), with exactly:

- ``seuil.toml``: the hub's, its ``[mqtt]`` pointed at the hub's TLS listener
  (``mqtts://HOST:8883``) and trusting the site CA (``ca_file = "tls/ca.pem"``);
- ``secret.key``: the site's secret (the card hashes of the snapshot must match the cards here);
- ``tls/ca.pem``: the site CA's certificate (never its key, which stays on the hub);
- ``mqtt/node-<id>``: the broker password of each node of that Pi, and no one else's.

Unpacking accepts those names and nothing else, so a damaged or foreign file changes nothing.
"""

from __future__ import annotations

import io
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from access.config import parse_config
from access.errors import FileInvalid, InvalidInput
from access.local import write_atomically

CONFIG = "seuil.toml"
SECRET = "secret.key"
CA = "tls/ca.pem"
PASSWORD = re.compile(r"^mqtt/node-([a-z0-9][a-z0-9_-]{0,62})$")
MODES = {CONFIG: 0o640, SECRET: 0o600, CA: 0o644}
PASSWORD_MODE = 0o600
BUNDLE_MODE = 0o600
MAX_MEMBER_BYTES = 1_000_000
"""Far more than a seuil.toml: anything bigger is not a bundle of ours."""


@dataclass(frozen=True)
class Bundle:
    """What a joining Pi receives, by name inside the bundle."""

    files: dict[str, bytes]

    @property
    def nodes(self) -> list[str]:
        return sorted(m.group(1) for name in self.files if (m := PASSWORD.match(name)))


def node_config_text(text: str, url: str, ca_file: str = CA) -> str:
    """``text`` (a seuil.toml) with its ``[mqtt]`` ``url`` and ``ca_file`` set; the rest, comments
    included, as it was.

    >>> print(node_config_text('[mqtt]\\nurl = "mqtt://127.0.0.1:1883"  # here\\n[nodes.a]\\n',
    ...                        "mqtts://hub.local:8883"), end="")
    [mqtt]
    url = "mqtts://hub.local:8883"
    ca_file = "tls/ca.pem"
    [nodes.a]
    """
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.split("#", 1)[0].strip() == "[mqtt]")
    except StopIteration:
        lines += ["", "[mqtt]"]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    keep = [line for line in lines[start + 1:end]
            if not re.match(r"^\s*(url|ca_file)\s*=", line)]
    section = [lines[start], f'url = "{url}"', f'ca_file = "{ca_file}"', *keep]
    return "\n".join([*lines[:start], *section, *lines[end:]]) + "\n"


def pack(bundle: Bundle) -> bytes:
    """The bundle as a tar file's bytes (names sorted, no owners: the same on every machine)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(bundle.files):
            info = tarfile.TarInfo(name)
            info.size = len(bundle.files[name])
            info.mode = PASSWORD_MODE if PASSWORD.match(name) else MODES[name]
            tar.addfile(info, io.BytesIO(bundle.files[name]))
    return out.getvalue()


def write_bundle(bundle: Bundle, path: Path) -> None:
    write_atomically(path, pack(bundle), BUNDLE_MODE)


def read_bundle(path: Path) -> Bundle:
    """The bundle in ``path``, checked: only the names above, regular files, a valid seuil.toml."""
    not_ours = f"{path} is not a join bundle from `seuil mqtt join`"
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r:") as tar:
            for member in tar:
                if not (member.name in MODES or PASSWORD.match(member.name)):
                    raise InvalidInput(f"{not_ours}: unexpected {member.name!r}")
                if not member.isreg() or member.size > MAX_MEMBER_BYTES or member.name in files:
                    raise InvalidInput(f"{not_ours}: {member.name!r} is not a plain file")
                handle = tar.extractfile(member)
                assert handle is not None  # a regular file
                files[member.name] = handle.read()
    except FileNotFoundError:
        raise InvalidInput(f"no file {path}", hint="copy it from the hub (seuil mqtt join NODE)") from None
    except (tarfile.TarError, OSError) as error:
        raise InvalidInput(f"{not_ours}: {error}") from None
    bundle = Bundle(files)
    absent = [name for name in MODES if name not in files] + ([] if bundle.nodes else ["mqtt/node-ID"])
    if absent:
        raise InvalidInput(f"{not_ours}: it lacks {', '.join(absent)}")
    try:
        parse_config(files[CONFIG].decode("utf-8"), f"{path}:{CONFIG}", path.parent, env={})
    except (UnicodeDecodeError, FileInvalid) as error:
        raise InvalidInput(f"{not_ours}: its {CONFIG} is not valid ({error})") from None
    return bundle


def unpack(bundle: Bundle, into: Path, expected_nodes: list[str] | None = None) -> list[Path]:
    """Write the bundle's files under ``into`` (``/etc/seuil``), each private from its first
    byte; returns what it wrote. ``expected_nodes``: the nodes this Pi runs, which must be
    exactly the bundle's (else a unit would find no password)."""
    if expected_nodes is not None and sorted(set(expected_nodes)) != bundle.nodes:
        raise InvalidInput(f"the bundle is for node {', '.join(bundle.nodes)}, not "
                           f"{', '.join(sorted(set(expected_nodes)))}",
                           hint="on the hub: seuil mqtt join " + " ".join(sorted(set(expected_nodes))))
    into.mkdir(mode=0o750, parents=True, exist_ok=True)
    written = []
    for name in sorted(bundle.files):
        target = into / name
        target.parent.mkdir(mode=0o700 if name.startswith("mqtt/") else 0o755, exist_ok=True)
        write_atomically(target, bundle.files[name], PASSWORD_MODE if PASSWORD.match(name) else MODES[name])
        written.append(target)
    return written
