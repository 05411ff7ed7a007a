"""VAPID keys: where they come from, the public key browsers subscribe with, rotation.

Sources, first that is set wins:
1. `VAPID_PRIVATE_KEY`: PEM text, or base64url of the DER or raw 32-byte private key;
2. `VAPID_PRIVATE_KEY_FILE`: a PEM file;
3. the embedded default: `INSTANCE_DIR/vapid_private_key.pem`, generated once on first use
   (not in production: there push stays off until a key is configured, because machines
   that each generated their own key would sign for subscriptions they did not make).

A key read from a file is re-read when the file changes, so `flask push keys --rotate`
reaches a running web server and worker without a restart.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

INSTANCE_KEY_NAME = "vapid_private_key.pem"
_lock = threading.Lock()


class KeyError_(RuntimeError):
    """The configured key cannot be used (said at start, not at the first push)."""


@dataclass(frozen=True)
class VapidKeys:
    vapid: Vapid
    public_key: str  # base64url of the 65-byte uncompressed point: the applicationServerKey
    source: str  # for `flask push keys`
    path: Path | None  # the file it came from (rotatable), None for an environment value
    stamp: tuple[int, int] = (0, 0)  # the file's (mtime_ns, inode) when read


def public_key_of(vapid: Vapid) -> str:
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962,
                                        serialization.PublicFormat.UncompressedPoint)
    return b64urlencode(raw)


def _from_text(text: str) -> Vapid:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)


def _from_file(path: Path, source: str) -> VapidKeys:
    try:
        stat = path.stat()
        vapid = Vapid.from_pem(path.read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise KeyError_(f"cannot read the VAPID key in {path}: {exc}") from exc
    return VapidKeys(vapid, public_key_of(vapid), source, path, (stat.st_mtime_ns, stat.st_ino))


def _write_new_key(path: Path, *, replace: bool) -> None:
    """A new key in `path`, mode 0600. Without `replace`, O_EXCL: two processes starting
    together must not each write a different key; the loser reads the winner's."""
    vapid = Vapid()
    vapid.generate_keys()
    pem = vapid.private_pem()
    path.parent.mkdir(parents=True, exist_ok=True)
    if replace:
        tmp = path.with_name(path.name + ".new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.replace(tmp, path)  # atomic: readers see the old key or the new one, whole
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)


def key_file(config) -> Path | None:
    """The file that holds the key (and that rotation rewrites), or None when the key comes
    from VAPID_PRIVATE_KEY or push is off."""
    if config.get("VAPID_PRIVATE_KEY"):
        return None
    if config.get("VAPID_PRIVATE_KEY_FILE"):
        return Path(config["VAPID_PRIVATE_KEY_FILE"])
    if config.get("NAME") == "production":
        return None
    return Path(config["INSTANCE_DIR"]) / INSTANCE_KEY_NAME


def load(config) -> VapidKeys | None:
    """The keys for this configuration; None when push is not configured (production with
    no key). Raises KeyError_ for a key that is set but unusable."""
    if config.get("VAPID_PRIVATE_KEY"):
        try:
            vapid = _from_text(config["VAPID_PRIVATE_KEY"])
        except Exception as exc:  # py_vapid raises several kinds for bad text
            raise KeyError_(f"VAPID_PRIVATE_KEY is not a usable P-256 private key: {exc}") \
                from exc
        keys = VapidKeys(vapid, public_key_of(vapid), "VAPID_PRIVATE_KEY", None)
    else:
        path = key_file(config)
        if path is None:
            return None
        if not config.get("VAPID_PRIVATE_KEY_FILE"):
            _write_new_key(path, replace=False)
        keys = _from_file(path, str(path))
    expected = config.get("VAPID_PUBLIC_KEY")
    if expected and expected.rstrip("=") != keys.public_key:
        raise KeyError_("VAPID_PUBLIC_KEY does not belong to the configured private key")
    return keys


def current(app) -> VapidKeys | None:
    """The app's keys, re-read when their file changed (a rotation by another process)."""
    with _lock:
        keys = app.extensions.get("push_keys")
        if keys is not None and keys.path is not None:
            try:
                stat = keys.path.stat()
                if (stat.st_mtime_ns, stat.st_ino) != keys.stamp:
                    keys = None
            except OSError:
                keys = None
        if keys is None:
            keys = load(app.config)
            app.extensions["push_keys"] = keys
        return keys


def rotate(config) -> VapidKeys:
    """Replace the key file with a new key. A key given in VAPID_PRIVATE_KEY cannot be
    rotated here: change the variable instead."""
    path = key_file(config)
    if path is None:
        raise KeyError_("the VAPID key comes from VAPID_PRIVATE_KEY (or is not configured): "
                        "set a new key there and restart; subscriptions made with the old "
                        "key are removed by the worker")
    _write_new_key(path, replace=True)
    return _from_file(path, str(path))
