"""A TCP proxy that cuts the connection after given numbers of uploaded bytes: a phone on a
weak link losing its connection mid-PATCH, at the socket level (the server sees a body that
ends early, the client a reset), with nothing faked in either.

`cut_at` are totals of client->server bytes (headers included) across all connections;
when the total reaches the next one, the current connection is closed both ways. It also
counts every byte the client sent (`sent`), which is what a phone pays for on the wire.
Used by tests/uploads/test_tuspy_client.py and bench/uploads.py.
"""
from __future__ import annotations

import socket
import threading


class CuttingProxy:
    def __init__(self, upstream_port: int, cut_at: list[int] | tuple[int, ...] = ()):
        self.upstream = ("127.0.0.1", upstream_port)
        self.cut_at = sorted(cut_at)
        self.sent = 0  # client -> server bytes, over every connection
        self.cuts = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping = True
        self._listener.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._upload, args=(client, server), daemon=True).start()
            threading.Thread(target=self._download, args=(server, client), daemon=True).start()

    def _budget(self, size: int) -> int:
        """How many of `size` bytes may pass before the next cut (all of them if none)."""
        with self._lock:
            if not self.cut_at:
                return size
            return max(0, min(size, self.cut_at[0] - self.sent))

    def _upload(self, client: socket.socket, server: socket.socket) -> None:
        try:
            while True:
                data = client.recv(64 * 1024)
                if not data:
                    break
                allowed = self._budget(len(data))
                if allowed:
                    server.sendall(data[:allowed])
                    with self._lock:
                        self.sent += allowed
                if allowed < len(data):
                    with self._lock:
                        self.cut_at.pop(0)
                        self.cuts += 1
                    break  # the link drops here
        except OSError:
            pass
        finally:
            _close(client, server)

    @staticmethod
    def _download(server: socket.socket, client: socket.socket) -> None:
        try:
            while True:
                data = server.recv(64 * 1024)
                if not data:
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            _close(client, server)


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
