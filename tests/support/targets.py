"""Off-site targets on this machine for the tests: a folder, sshd on a loopback port of its own
(SFTP), and moto's S3-compatible server on loopback. Each starts and stops itself."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from access.local import find_program, free_port


@dataclass
class TargetSettings:
    """What seuil.toml's [backup] says for this target, and what `seuil restore --from` needs."""

    url: str
    toml: dict[str, str] = field(default_factory=dict)
    restore_args: list[str] = field(default_factory=list)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"exited: {log.read_text()[-2000:]}") from None
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}: {log.read_text()[-2000:]}")


class Sshd:
    """sshd in the foreground (``-D``) on a free loopback port, with its own host key, letting in
    only the key it made, for the user running the tests; SFTP by its internal server."""

    def __init__(self, workdir: Path, *, also: tuple[str, ...] = ()) -> None:
        """``also``: more host key types besides ed25519 (``"ecdsa"``, ``"rsa"``), as a NAS has."""
        sshd = find_program("sshd")
        keygen = find_program("ssh-keygen")
        if sshd is None or keygen is None:
            raise RuntimeError("openssh-server is not installed: `./install.sh --test` installs it")
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.host_key = workdir / "host_ed25519"
        self.client_key = workdir / "client_ed25519"
        for key in (self.host_key, self.client_key):
            subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        self.more_host_keys = [workdir / f"host_{kind}" for kind in also]
        for key, kind in zip(self.more_host_keys, also, strict=True):
            subprocess.run([keygen, "-q", "-t", kind, "-N", "", "-f", str(key)], check=True)
        authorized = workdir / "authorized_keys"
        shutil.copyfile(self.client_key.with_suffix(".pub"), authorized)
        authorized.chmod(0o600)
        self.user = getpass.getuser()
        self.config = workdir / "sshd_config"
        self.config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.host_key}\n"
            + "".join(f"HostKey {key}\n" for key in self.more_host_keys) +
            f"AuthorizedKeysFile {authorized}\nPidFile {workdir / 'sshd.pid'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
            "UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
            "Subsystem sftp internal-sftp\n")
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # its privilege-separation folder
        self.log = workdir / "sshd.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sshd, "-D", "-e", "-f", str(self.config)],
                                            stdout=log, stderr=subprocess.STDOUT)
        _wait_for_port(self.port, self.process, self.log)

    def public_key(self, kind: str = "ed25519") -> str:
        """One of its host keys, as ``type base64``."""
        path = self.host_key if kind == "ed25519" else self.workdir / f"host_{kind}"
        return " ".join(path.with_suffix(".pub").read_text().split()[:2])

    def known_hosts_line(self) -> str:
        """Its entry in a known_hosts file, every key, as ``ssh`` leaves it."""
        kinds = ["ed25519", *(path.name.removeprefix("host_") for path in self.more_host_keys)]
        keys = [self.public_key(kind) for kind in kinds]
        return "".join(f"[127.0.0.1]:{self.port} {key}\n" for key in keys)

    def settings(self, folder: Path) -> TargetSettings:
        url = f"sftp://{self.user}@127.0.0.1:{self.port}{folder}"
        host_key = self.public_key()
        return TargetSettings(url, {"ssh_key": str(self.client_key), "ssh_host_key": host_key},
                              ["--ssh-key", str(self.client_key), "--ssh-host-key", host_key])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class S3Server:
    """moto's S3-compatible server on a free loopback port, with one bucket."""

    bucket = "la-ruche"

    def __init__(self, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = workdir / "moto.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"})
        _wait_for_port(self.port, self.process, self.log, timeout_s=60)
        import boto3

        boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                     aws_access_key_id="test", aws_secret_access_key="test").create_bucket(Bucket=self.bucket)
        self.secret_file = workdir / "s3-secret"
        self.secret_file.write_text("test\n")
        self.secret_file.chmod(0o600)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, prefix: str) -> TargetSettings:
        return TargetSettings(
            f"s3://{self.bucket}/{prefix}",
            {"s3_endpoint": self.endpoint, "s3_access_key_id": "test",
             "s3_secret_file": str(self.secret_file)},
            ["--s3-endpoint", self.endpoint, "--s3-access-key-id", "test",
             "--s3-secret-file", str(self.secret_file)])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
