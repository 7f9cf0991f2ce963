"""A real mosquitto on a free loopback port, that a test can stop and start again."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from access.local import find_program, free_port

__all__ = ["Broker", "free_port"]


class Broker:
    host = "127.0.0.1"

    def __init__(self, workdir: Path, *, include_dir: Path | None = None, port: int | None = None) -> None:
        """``include_dir``: mosquitto reads its configuration there instead (``seuil mqtt setup``
        writes the listener, sign-in and ACL), on ``port``; this only adds where to persist."""
        executable = find_program("mosquitto")
        if executable is None:
            raise RuntimeError("mosquitto is not installed: `./install.sh --dev` installs it")
        self.executable = executable
        self.port = port or free_port()
        self.workdir = workdir
        self.config = workdir / "mosquitto.conf"
        # As root, mosquitto would switch to its own user, who can neither read our 0600 files nor
        # save its persistence file here (its sessions would then not survive a restart).
        stay = "user root\n" if os.geteuid() == 0 else ""
        if include_dir is None:
            self.config.write_text(
                f"{stay}listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                f"persistence true\npersistence_location {workdir}/\n"
                "max_queued_messages 100000\nmax_inflight_messages 0\n")
        else:
            self.config.write_text(f"{stay}persistence_location {workdir}/\ninclude_dir {include_dir}\n")
        self.log = workdir / "mosquitto.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([self.executable, "-c", str(self.config)],
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"mosquitto exited: {self.log.read_text()}") from None
                time.sleep(0.02)
        raise RuntimeError(f"mosquitto did not listen on {self.port}: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
