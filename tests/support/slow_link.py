"""A slow uplink between one client and mosquitto: what the client sends reaches the broker
``delay_s`` later (a kiosk on a weak Wi-Fi), what the broker sends comes back at once.

On such a link a client learns it is connected (CONNACK) well before the broker has its
subscriptions: whatever is published meanwhile is not for it.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time

from access.local import free_port


class SlowLink:
    host = "127.0.0.1"

    def __init__(self, broker_port: int, delay_s: float) -> None:
        self.broker_port = broker_port
        self.delay_s = delay_s
        self.port = free_port()
        self._listener = socket.create_server((self.host, self.port))
        self._sockets: list[socket.socket] = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    def close(self) -> None:
        """The link goes down: both ends see their connection end (a blocked ``recv`` included)."""
        for sock in self._sockets:
            with contextlib.suppress(OSError):  # never connected, or already down
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            broker = socket.create_connection((self.host, self.broker_port))
            self._sockets += [client, broker]
            threading.Thread(target=self._pump, args=(client, broker, self.delay_s), daemon=True).start()
            threading.Thread(target=self._pump, args=(broker, client, 0.0), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, delay_s: float) -> None:
        """Bytes from ``source`` to ``sink``, each chunk ``delay_s`` after it was read, in order
        (one delay for all: the chunks fall due in the order they came)."""
        due: queue.SimpleQueue[tuple[float, bytes]] = queue.SimpleQueue()

        def send() -> None:
            while True:
                at, chunk = due.get()
                time.sleep(max(0.0, at - time.monotonic()))
                if not chunk:
                    sink.close()
                    return
                try:
                    sink.sendall(chunk)
                except OSError:
                    return

        threading.Thread(target=send, daemon=True).start()
        while True:
            try:
                chunk = source.recv(65536)
            except OSError:
                chunk = b""
            due.put((time.monotonic() + delay_s, chunk))
            if not chunk:
                return
