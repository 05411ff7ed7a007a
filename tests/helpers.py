"""Small assertions and helpers shared by the test folders (and the benchmarks)."""
from __future__ import annotations

import socket
import threading

from werkzeug.serving import make_server


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is an error in the project's one shape; returns its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.is_json, response.headers.get("Content-Type")
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


class LiveServer:
    """A WSGI app on 127.0.0.1 (a random port) in a thread, for as long as the `with`."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        stop_serving(self.server)
        self.thread.join(timeout=10)


def stop_serving(server) -> None:
    """`server.shutdown()` and `server.server_close()` of a socketserver (http.server,
    werkzeug) whose serve_forever runs in another thread, without shutdown's wait.

    serve_forever looks at the shutdown request only when its select() returns: on a
    connection, or after its poll interval (0.5 s). An idle server so took half a second to
    stop, a third of a push test's time (the local push receiver stops after every test).
    A connection to the socket ends the wait at once: it is accepted and served as an empty
    request (read, nothing to answer, closed). Connections are made until shutdown returns,
    so one that arrives before the request is seen only costs another."""
    stopping = threading.Thread(target=server.shutdown, daemon=True)
    stopping.start()
    address = server.server_address[:2]
    while stopping.is_alive():
        try:
            socket.create_connection(address, timeout=1).close()
        except OSError:
            pass
        stopping.join(0.005)
    server.server_close()
