"""A TCP port on a container's own loopback that leads to one server outside, for apt.

A container booted with ``--private-network`` has nothing but its loopback: its broker's port
1883 is its own, not shared with the host and the other containers booted at the same time.
apt still needs Debian's mirror, so a thread of the test listens on the container's 127.0.0.1
(the socket is made inside the container's network namespace, entered with setns(2) by that
thread alone) and copies each connection to the mirror from the host's namespace. apt talks to
it as to an HTTP proxy (``Acquire::http::Proxy``): a proxy request names the full URL, which an
HTTP/1.1 server accepts as it is.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import threading
from collections.abc import Iterator

CLONE_NEWNET = 0x40000000
APT_DROP_IN = "/etc/apt/apt.conf.d/99-test-tunnel"


def _listen_inside(leader: int, port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port of the namespace of process ``leader``."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    theirs = os.open(f"/proc/{leader}/ns/net", os.O_RDONLY)
    try:
        if libc.setns(theirs, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns into the container's network")
        try:
            server = socket.create_server(("127.0.0.1", port))
        finally:
            if libc.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(own)
        os.close(theirs)
    return server


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


def _both_ways(inside: socket.socket, outside: socket.socket) -> None:
    back = threading.Thread(target=_pipe, args=(outside, inside), daemon=True)
    back.start()
    _pipe(inside, outside)
    back.join()
    inside.close()
    outside.close()


def _serve(server: socket.socket, upstream: tuple[str, int]) -> None:
    with contextlib.suppress(OSError):  # closed: the tunnel is done
        while True:
            inside, _ = server.accept()
            try:
                outside = socket.create_connection(upstream, timeout=60)
            except OSError:
                inside.close()
                continue
            outside.settimeout(None)
            threading.Thread(target=_both_ways, args=(inside, outside), daemon=True).start()


def open_tunnel(leader: int, port: int, upstream: tuple[str, int]) -> socket.socket:
    """127.0.0.1:port inside the namespace of process ``leader`` now leads to ``upstream``;
    closing the returned socket ends it."""
    made: list[socket.socket] = []
    failed: list[BaseException] = []

    def make() -> None:  # in a thread of its own: setns changes the calling thread only
        try:
            made.append(_listen_inside(leader, port))
        except BaseException as error:  # raised again below, in the caller
            failed.append(error)

    maker = threading.Thread(target=make)
    maker.start()
    maker.join()
    if failed:
        raise failed[0]
    server = made[0]
    threading.Thread(target=_serve, args=(server, upstream), daemon=True).start()
    return server


@contextlib.contextmanager
def tunnel(leader: int, upstream: tuple[str, int], port: int = 3142) -> Iterator[str]:
    """While open, 127.0.0.1:port inside leads to ``upstream``; yields the apt.conf line."""
    server = open_tunnel(leader, port, upstream)
    try:
        yield f'Acquire::http::Proxy "http://127.0.0.1:{port}/";\n'
    finally:
        server.close()
