"""The demo's broker: mosquitto when it is installed, else amqtt in-process; loopback only."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from access.local import find_program, free_port

log = logging.getLogger(__name__)

def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class DemoBroker:
    """``start()`` then ``url``; ``stop()`` at the end. ``kind`` says which broker runs."""

    def __init__(self, workdir: Path, *, prefer: str = "auto") -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        mosquitto = find_program("mosquitto")
        if prefer == "mosquitto" and mosquitto is None:
            raise RuntimeError("mosquitto is not installed (apt install mosquitto)")
        self.mosquitto = mosquitto if prefer in ("auto", "mosquitto") else None
        self.kind = "mosquitto" if self.mosquitto else "amqtt"
        self.protocol = 5 if self.mosquitto else 4  # amqtt speaks MQTT 3.1.1 only
        self._process: subprocess.Popen[bytes] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._amqtt: Any = None

    def start(self, timeout_s: float = 10.0) -> None:
        if self.mosquitto:
            self._start_mosquitto()
        else:
            self._start_amqtt()
        deadline = time.monotonic() + timeout_s
        while not _listening(self.port):
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {(self.workdir / 'mosquitto.log').read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the demo broker ({self.kind}) did not listen on {self.port}")
            time.sleep(0.02)
        log.info("demo broker: %s on %s", self.kind, self.url)

    def _start_mosquitto(self) -> None:
        config = self.workdir / "mosquitto.conf"
        config.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                          f"persistence true\npersistence_location {self.workdir}/\n"
                          "max_queued_messages 0\nmax_inflight_messages 0\n")
        with (self.workdir / "mosquitto.log").open("ab") as output:
            self._process = subprocess.Popen([str(self.mosquitto), "-c", str(config)], stdout=output,
                                             stderr=subprocess.STDOUT)

    def _start_amqtt(self) -> None:
        try:
            from amqtt.broker import Broker  # type: ignore[import-untyped]
        except ImportError:
            raise RuntimeError("no broker: install mosquitto (apt install mosquitto) or the demo extra "
                               "(pip install 'seuil[demo]')") from None
        config = {"listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
                  "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}}}
        loop = asyncio.new_event_loop()
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            self._amqtt = Broker(config, loop=loop)
            loop.run_until_complete(self._amqtt.start())
            started.set()
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name="demo-amqtt", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("amqtt did not start")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        if self._loop is not None and self._amqtt is not None:
            asyncio.run_coroutine_threadsafe(self._amqtt.shutdown(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
