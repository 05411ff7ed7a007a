"""Removing location from JPEG metadata without re-encoding (sync-protocol.md, "Uploads").

The PWA's own compression drops photo metadata; a JPEG from another client may still carry
where it was taken. Only the metadata segments before the image data are rewritten:
- APP1 "Exif": the GPS IFD is removed and the Exif block rebuilt by Pillow, so orientation,
  camera and date stay; if Pillow cannot read the block, the whole segment is dropped;
- APP1 XMP mentioning GPS: dropped.
Everything from the first SOS marker on (the compressed image) is copied byte for byte, in
chunks. A file without location is left untouched (`has_location` is False).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from PIL import Image

from .storage import read_chunks

log = logging.getLogger(__name__)

SOI, SOS, APP1 = 0xD8, 0xDA, 0xE1
EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _segments(fh: BinaryIO) -> Iterator[tuple[int, bytes, bytes]]:
    """(marker, raw header+length bytes, payload) for each segment before SOS; at SOS the
    tuple is (SOS, b"", b"") and `fh` is positioned at the SOS marker."""
    if fh.read(2) != b"\xff" + bytes([SOI]):
        raise ValueError("not a JPEG")
    while True:
        start = fh.tell()
        byte = fh.read(1)
        if byte != b"\xff":
            raise ValueError("bad JPEG marker")
        marker = fh.read(1)
        while marker == b"\xff":  # fill bytes
            marker = fh.read(1)
        if not marker:
            raise ValueError("JPEG ends before its image data")
        code = marker[0]
        if code == SOS:
            fh.seek(start)
            yield SOS, b"", b""
            return
        if code in STANDALONE:
            yield code, b"\xff" + marker, b""
            continue
        size_bytes = fh.read(2)
        size = int.from_bytes(size_bytes, "big")
        if len(size_bytes) < 2 or size < 2:
            raise ValueError("bad JPEG segment length")
        payload = fh.read(size - 2)
        yield code, b"\xff" + marker + size_bytes, payload


def _exif_has_gps(payload: bytes) -> bool:
    try:
        exif = Image.Exif()
        exif.load(payload)
        return GPS_IFD in exif
    except Exception:
        return b"GPS" in payload  # unreadable: be careful, treat as carrying location


def _is_location(code: int, payload: bytes) -> bool:
    if code != APP1:
        return False
    if payload.startswith(EXIF_HEADER):
        return _exif_has_gps(payload)
    if payload.startswith(XMP_HEADER):
        return b"GPS" in payload
    return False


def has_location(fh: BinaryIO) -> bool:
    fh.seek(0)
    return any(_is_location(code, payload) for code, _, payload in _segments(fh))


def _without_gps(payload: bytes) -> bytes | None:
    """The Exif APP1 payload without its GPS IFD, or None to drop the segment."""
    try:
        exif = Image.Exif()
        exif.load(payload)
        exif.get_ifd(EXIF_IFD)  # load the sub-IFD so tobytes() writes it back
        del exif[GPS_IFD]
        data = exif.tobytes()
    except Exception:
        log.warning("unreadable Exif block with location: dropping the whole segment")
        return None
    if not data.startswith(EXIF_HEADER):
        data = EXIF_HEADER + data
    return data if len(data) + 2 <= 0xFFFF else None


def strip_location(fh: BinaryIO) -> Iterator[bytes]:
    """The JPEG in `fh` without location metadata, as chunks."""
    fh.seek(0)
    yield b"\xff" + bytes([SOI])
    for code, head, payload in _segments(fh):
        if code == SOS:
            break
        if _is_location(code, payload):
            if payload.startswith(EXIF_HEADER):
                rebuilt = _without_gps(payload)
                if rebuilt is not None:
                    yield b"\xff" + bytes([APP1]) + (len(rebuilt) + 2).to_bytes(2, "big")
                    yield rebuilt
            continue
        yield head + payload
    yield from read_chunks(fh)
