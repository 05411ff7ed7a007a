"""The QR visit ticket: a code the citizen shows at the counter to finish an application.

    <nonce>-<mac>   e.g. "K7QX-M2PA-9FHD-3WJR-TB6N"   (printed and typed in groups of 4)

- `nonce`: 10 random base32 characters (50 bits) from `secrets`, so two tickets never repeat
  and nobody can guess one;
- `mac`: the first 10 base32 characters of HMAC-SHA256(secret, "<application id>:<nonce>"),
  so a code made for one application is refused for any other, and a code cannot be made
  without the server's SECRET_KEY (not even by someone who can write the database).

The code is stored in clear on the application: it is part of the citizen's synced data
(their phone must show it offline, like the reference number), so hashing it would protect
nothing the citizen's own copy does not already reveal. What makes it safe is the MAC,
checked on every lookup, and single use: completing the application consumes it (the state
leaves `ready` for good).

Base32 (A-Z, 2-7) because officers type it when a camera cannot read the QR: no lower case,
no 0/1/8/9 to confuse with O/I/B/g. Framework-free: the server passes its secret in.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets

NONCE_CHARS = 10
MAC_CHARS = 10
CODE_CHARS = NONCE_CHARS + MAC_CHARS
_CODE_RE = re.compile(r"[A-Z2-7]{%d}\Z" % CODE_CHARS)


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _mac(secret: bytes, application_id: str, nonce: str) -> str:
    digest = hmac.new(secret, f"{application_id}:{nonce}".encode(), hashlib.sha256).digest()
    return _b32(digest)[:MAC_CHARS]


def new_code(secret: bytes, application_id: str) -> str:
    """A fresh ticket code for `application_id`, grouped for reading aloud and typing."""
    if not secret:
        raise ValueError("a ticket needs the server's secret")
    nonce = _b32(secrets.token_bytes(8))[:NONCE_CHARS]
    return group(nonce + _mac(secret, application_id, nonce))


def group(compact: str) -> str:
    return "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def normalise(text: object) -> str | None:
    """The canonical (grouped, upper-case) code from what was scanned or typed, ignoring
    spaces, dashes and case; None if it cannot be a ticket code at all."""
    if not isinstance(text, str) or len(text) > 100:
        return None
    compact = re.sub(r"[\s\-]", "", text).upper()
    return group(compact) if _CODE_RE.match(compact) else None


def signed_for(secret: bytes, application_id: str, code: str) -> bool:
    """True if `code` (canonical) was made with `secret` for `application_id`."""
    compact = code.replace("-", "")
    if not _CODE_RE.match(compact):
        return False
    nonce, mac = compact[:NONCE_CHARS], compact[NONCE_CHARS:]
    return hmac.compare_digest(mac, _mac(secret, application_id, nonce))


def same_code(stored: str | None, given: str | None) -> bool:
    """Constant-time comparison of two canonical codes (None never matches)."""
    if not stored or not given:
        return False
    return hmac.compare_digest(stored.encode(), given.encode())


def qr_svg(code: str) -> str:
    """The code as a QR image (SVG text), the same bytes for the same code on every store."""
    import segno  # imported here: only pulls that carry a ticket need it

    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
    return buffer.getvalue().decode("utf-8")
