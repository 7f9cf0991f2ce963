"""A slow uplink between one client and mosquitto: what the client sends reaches the broker
``delay_s`` later (a kiosk on a weak Wi-Fi), what the broker sends comes back at once.

On such a link a client learns it is connected (CONNACK) well before the broker has its
subscriptions: whatever is published meanwhile is not for it.
"""

from __future__ import annotations

import contextlib
import heapq
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
        """Bytes from ``source`` to ``sink``, each chunk ``delay_s`` after it was read, in order."""
        due: list[tuple[float, int, bytes]] = []
        ready = threading.Condition()

        def send() -> None:
            while True:
                with ready:
                    while not due:
                        ready.wait()
                    at, _, chunk = due[0]
                    wait = at - time.monotonic()
                    if wait > 0:
                        ready.wait(wait)
                        continue
                    heapq.heappop(due)
                if not chunk:
                    sink.close()
                    return
                try:
                    sink.sendall(chunk)
                except OSError:
                    return

        threading.Thread(target=send, daemon=True).start()
        count = 0
        while True:
            try:
                chunk = source.recv(65536)
            except OSError:
                chunk = b""
            with ready:
                count += 1
                heapq.heappush(due, (time.monotonic() + delay_s, count, chunk))
                ready.notify()
            if not chunk:
                return
