"""The site's own certificate authority, for MQTT over TLS between Pis (``seuil mqtt setup --tls``).

A site CA (``tls/ca.pem``, its key ``tls/ca.key`` kept 0600 on the hub) signs the broker's
certificate for the names the nodes and the kiosk use to reach it. Every Pi trusts only that
CA (``[mqtt] ca_file``): a broker on the network without the CA's signature is refused. Made
with the ``cryptography`` package (no openssl command lines to get wrong).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from access.local import write_atomically

CA_YEARS = 20
CERT_DAYS = 3650  # a volunteer does not renew certificates: ten years, then setup again
KEY_MODE = 0o600


@dataclass(frozen=True)
class SiteCa:
    cert: Path
    key: Path


def default_hosts() -> list[str]:
    """The names a Pi is reached by on a small network: its host name, ``.local`` (mDNS), loopback."""
    name = socket.gethostname()
    return sorted({name, f"{name}.local", "localhost", "127.0.0.1"})


def site_ca(folder: Path, site_name: str, *, now: datetime | None = None) -> SiteCa:
    """The site CA in ``folder`` (made the first time; kept after, so every Pi stays trusted)."""
    ca = SiteCa(folder / "ca.pem", folder / "ca.key")
    if ca.cert.is_file() and ca.key.is_file():
        return ca
    now = now or datetime.now(UTC)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Seuil CA {site_name}"[:64])])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365 * CA_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    write_atomically(ca.key, _pem(key), KEY_MODE)
    write_atomically(ca.cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return ca


def issue_server_certificate(ca: SiteCa, hosts: list[str], cert_path: Path, key_path: Path, *,
                             now: datetime | None = None) -> None:
    """A certificate for the broker, valid for ``hosts`` (names and IP addresses), signed by ``ca``."""
    if not hosts:
        raise ValueError("a certificate needs at least one host name")
    now = now or datetime.now(UTC)
    ca_key = serialization.load_pem_private_key(ca.key.read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(ca.cert.read_bytes())
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{ca.key} is not the site CA's key")
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0][:64])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=CERT_DAYS))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    write_atomically(key_path, _pem(key), KEY_MODE)
    write_atomically(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def certificate_hosts(cert_path: Path) -> list[str]:
    """The names and addresses a certificate is valid for (``seuil mqtt setup`` prints them)."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [str(n.value) for n in names]


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    """A private key as PEM, unencrypted: its file mode (0600) is what keeps it private."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
