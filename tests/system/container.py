"""A Debian system container with systemd as PID 1, for the system tests of install.sh.

``debootstrap`` makes a root file system once (cached under the clone's .cache/system/, which
git ignores); each test run boots a fresh copy of it with ``systemd-nspawn --register=no`` (this
machine's PID 1 is not systemd, so there is no machined to register with) and runs commands in
it with ``nsenter``. Needs root, debootstrap and systemd-container (both Debian packages).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.system.loopback_tunnel import open_tunnel

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "system"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEBIAN_ARCH = {"amd64": "x86_64", "arm64": "aarch64"}
PYTHON = {"bookworm": "3.11", "trixie": "3.13"}
APT_PROXY = 3142
"""Where apt finds the mirror inside a container with a network of its own (``private_network``)."""


def missing_tools() -> str:
    """Why this machine cannot run the system tests, or "" when it can."""
    if os.geteuid() != 0:
        return "the system tests need root (debootstrap, systemd-nspawn)"
    absent = [t for t in ("debootstrap", "systemd-nspawn", "nsenter") if shutil.which(t) is None]
    if absent:
        return f"missing {', '.join(absent)} (apt-get install debootstrap systemd-container)"
    return ""


def rootfs(suite: str, arch: str) -> Path:
    """A pristine minimal Debian with systemd, made once and kept in .cache/system/."""
    target = CACHE / f"{suite}-{arch}"
    if (target / "usr/lib/systemd/systemd").exists():
        return target
    partial = CACHE / f"{suite}-{arch}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["debootstrap", "--variant=minbase", f"--arch={arch}",
                    "--include=systemd,systemd-sysv,dbus", suite, str(partial)],
                   check=True, stdout=subprocess.DEVNULL)
    partial.rename(target)
    return target


def copy_checkout(destination: Path) -> None:
    """The working tree's files as git knows them (committed or not, never the ignored ones)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the working tree
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@dataclass
class Container:
    """One booted container. ``run()`` a command in it; ``reboot()``; ``stop()``."""

    directory: Path
    log: Path
    binds: list[tuple[Path, str]] = field(default_factory=list)
    """(host folder, container path), mounted read-only inside the container's namespace only."""
    writable_binds: list[tuple[Path, str]] = field(default_factory=list)
    """(host folder, container path), mounted read-write: a disk that outlives the container."""
    private_network: bool = False
    """A loopback of its own (nspawn's ``--private-network``): its broker's 127.0.0.1:1883 cannot
    clash with another container's nor the host's. apt still reaches the Debian mirror, through
    a forwarder from the container's 127.0.0.1:3142 (``mirror_forwarder``)."""
    process: subprocess.Popen[bytes] | None = None
    leader: int = 0
    forwarder: socket.socket | None = None
    machine: str = ""
    """nspawn's machine name (it names the container's veth on the host): unique on this machine."""
    hostname: str = ""
    """The host name inside, as a Pi's imager sets it (``seuil-hub``); empty: the machine name."""
    network_zone: str = ""
    """A private network shared with the other containers of this zone (``--network-zone``: a
    bridge ``vz-<zone>`` on the host, ``host0`` inside, no address until ``address()`` gives one)."""
    options: list[str] = field(default_factory=list)
    """More systemd-nspawn options (``--private-network``: a loopback of its own, no port shared)."""

    def boot(self, timeout_s: float = 180) -> str:
        """Boot and wait for systemd to finish starting up; its state (``running``, ``degraded``)."""
        command = ["systemd-nspawn", "--register=no", "--keep-unit", "--quiet", "-D", str(self.directory),
                   "--console=read-only", "-b"]
        command += [f"--bind-ro={host}:{inside}" for host, inside in self.binds]
        command += [f"--bind={host}:{inside}" for host, inside in self.writable_binds]
        if self.private_network:
            command.append("--private-network")
            self.write("/etc/apt/apt.conf.d/99seuil-test-proxy",
                       f'Acquire::http::Proxy "http://127.0.0.1:{APT_PROXY}";\n')
        if self.hostname:  # systemd sets the name from /etc/hostname at boot, as on a Pi
            self.write("/etc/hostname", f"{self.hostname}\n")
        command += [f"--{option}={value}" for option, value in (
            ("machine", self.machine), ("hostname", self.hostname), ("network-zone", self.network_zone))
            if value]
        command += self.options
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the container exited ({self.process.returncode}): see {self.log}")
            children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,
                                      text=True, check=False).stdout.split()
            if children:
                self.leader = int(children[0])
                if self.private_network and self.forwarder is None:
                    self.forwarder = mirror_forwarder(self.leader, self.directory)
                state = self.run("systemctl", "is-system-running", "--wait", check=False,
                                 timeout=deadline - time.monotonic()).stdout.strip()
                if state in ("running", "degraded"):
                    return state
            time.sleep(0.5)
        raise TimeoutError(f"the container did not finish booting in {timeout_s} s: see {self.log}")

    def run(self, *command: str, check: bool = True, timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """A command inside, as root, with a clean environment."""
        assert self.leader, "boot() first"
        variables = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8", **(env or {})}
        result = subprocess.run(["nsenter", "-t", str(self.leader), "-a", "--", "/usr/bin/env", "-i",
                                 *(f"{k}={v}" for k, v in variables.items()), *command],
                                capture_output=True, text=True, check=False, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{shlex.join(command)} exited {result.returncode}:\n"
                                 f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
        return result

    def address(self, cidr: str) -> None:
        """Give the zone's ``host0`` an address, with the host's own ``ip`` (a minimal Debian has
        none) run in the container's network namespace alone."""
        assert self.leader, "boot() first"
        for command in (["ip", "address", "replace", cidr, "dev", "host0"],
                        ["ip", "link", "set", "host0", "up"]):
            subprocess.run(["nsenter", "-t", str(self.leader), "-n", "--", *command], check=True,
                           capture_output=True)

    def shell(self, script: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return self.run("/bin/bash", "-euo", "pipefail", "-c", script, **kwargs)  # type: ignore[arg-type]

    def write(self, path: str, text: str) -> None:
        target = self.directory / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def _wait_exit(self, timeout_s: float) -> int | None:
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def reboot(self, timeout_s: float = 180) -> str:
        """``systemctl reboot`` inside: nspawn exits (133) and is started again on the same tree."""
        self.run("systemctl", "reboot", check=False, timeout=30)
        if self._wait_exit(120) is None:
            raise TimeoutError("the container did not shut down for the reboot")
        self.leader = 0
        self._close_forwarder()  # the next boot has a new network namespace
        return self.boot(timeout_s)

    def _close_forwarder(self) -> None:
        if self.forwarder is not None:
            with contextlib.suppress(OSError):
                self.forwarder.shutdown(socket.SHUT_RDWR)  # wakes its accept()
            self.forwarder.close()
            self.forwarder = None

    def stop(self) -> None:
        """Power off; killed if it does not within a minute. Leaves no process behind."""
        self._close_forwarder()
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(Exception):
            self.run("systemctl", "poweroff", check=False, timeout=30)
        if self._wait_exit(60) is None:
            self.process.terminate()
            if self._wait_exit(30) is None:
                self.process.kill()
                self.process.wait()


def mirror(root: Path) -> tuple[str, int]:
    """The Debian mirror the root file system's sources.list names: debootstrap's own default,
    written there when it made the root file system (so no mirror is named in this code)."""
    for line in (root / "etc/apt/sources.list").read_text().splitlines():
        words = line.split()
        if len(words) > 1 and words[0] == "deb" and words[1].startswith("http://"):
            url = urlsplit(words[1])
            return url.hostname or "", url.port or 80
    raise AssertionError(f"no http mirror in {root}/etc/apt/sources.list")


def mirror_forwarder(leader: int, root: Path) -> socket.socket:
    """Every connection to the container's 127.0.0.1:3142 goes on to its Debian mirror, from the
    host (apt sends it absolute URLs for that mirror, which the mirror serves). Close the
    returned socket to stop it."""
    return open_tunnel(leader, APT_PROXY, mirror(root))


def destroy(box: Container) -> None:
    """Stop ``box`` and delete its root file system: what an SD card that died leaves."""
    box.stop()
    shutil.rmtree(box.directory, ignore_errors=True)
    box.leader = 0


def fresh_container(suite: str, arch: str, name: str) -> Container:
    """A new copy of the cached root file system with this checkout in /root/seuil."""
    pristine = rootfs(suite, arch)
    directory = CACHE / f"{name}.run"
    shutil.rmtree(directory, ignore_errors=True)
    subprocess.run(["cp", "-a", "--reflink=auto", str(pristine), str(directory)], check=True)
    copy_checkout(directory / "root" / "seuil")
    log = CACHE / f"{name}.boot.log"
    log.unlink(missing_ok=True)
    return Container(directory, log)
