"""What a finished upload must be before its document is `ready`.

Checked in this order, the first failure wins (each has a message key in server/i18n.py):
1. not empty;
2. sha256 of the stored bytes equals the one the client declared;
3. the type by CONTENT (magic bytes) is one of JPEG, PNG, WebP, PDF; anything else (HTML,
   SVG, text, archives...) is refused, whatever the filename or declared type says;
4. that type is the declared content_type (a PNG renamed .pdf is refused);
5. the file decodes completely: images with Pillow (pixel cap checked before decoding,
   DecompressionBombWarning as an error, `verify()` and then a REOPEN and `load()`,
   because `verify()` passes a JPEG cut in half), PDFs with pypdf (not encrypted, 1 to
   MAX_PDF_PAGES pages counted by a walk that stops at the limit, so no file can make the
   check walk a huge or looping page tree; every page's tree readable);
6. no polyglot tail: a PNG ends at its IEND chunk, a WebP at its RIFF length. (JPEG may carry
   data after EOI: phones append secondary images there, so it is allowed; stored files are
   only ever served with their checked type, nosniff and a server-made file name.)
"""
from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass

from PIL import Image

from .storage import read_chunks

MAX_IMAGE_PIXELS = 40_000_000  # a 40 MP photo; a 12 MP phone photo is well under
MAX_PDF_PAGES = 50
JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
ACCEPTED_TYPES = (JPEG, PNG, WEBP, PDF)
ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF}
PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason_key: str = ""  # a MESSAGES key in server/i18n.py when not ok
    content_type: str = ""


def normalise_type(content_type: str) -> str:
    value = (content_type or "").split(";", 1)[0].strip().lower()
    return ALIASES.get(value, value)


def sniff(head: bytes) -> str | None:
    """The type by magic bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(PNG_MAGIC):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def sha256_of(fh) -> str:
    digest = hashlib.sha256()
    for chunk in read_chunks(fh):
        digest.update(chunk)
    return digest.hexdigest()


def inspect(open_file, size: int, declared_type: str, declared_sha256: str) -> Verdict:
    """Check a stored file; `open_file()` returns a new binary file object each call."""
    if size == 0:
        return Verdict(False, "upload_invalid_empty")
    with open_file() as fh:
        if sha256_of(fh) != declared_sha256:
            return Verdict(False, "upload_invalid_sha256")
        fh.seek(0)
        head = fh.read(16)
    found = sniff(head)
    if found is None:
        return Verdict(False, "upload_invalid_type")
    if found != normalise_type(declared_type):
        return Verdict(False, "upload_invalid_type_mismatch", found)
    if found == PDF:
        reason = _check_pdf(open_file)
    else:
        reason = _check_image(open_file, found, size)
    return Verdict(not reason, reason, found)


def _check_image(open_file, content_type: str, size: int) -> str:
    fmt = PIL_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_file() as fh, Image.open(fh, formats=[fmt]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return "upload_invalid_image_too_large"
                image.verify()
            # verify() leaves the image unusable and passes truncated JPEGs: reopen, decode.
            with open_file() as fh, Image.open(fh, formats=[fmt]) as image:
                image.load()
                if getattr(image, "n_frames", 1) > 1:
                    image.seek(0)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "upload_invalid_image_too_large"
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on bad data
        return "upload_invalid_damaged"
    with open_file() as fh:
        if content_type == PNG and _png_end(fh) != size:
            return "upload_invalid_trailing_data"
        if content_type == WEBP:
            fh.seek(4)
            riff_size = int.from_bytes(fh.read(4), "little")
            if riff_size + 8 != size:
                return "upload_invalid_trailing_data"
    return ""


def _png_end(fh) -> int:
    """The offset just after the IEND chunk (walking the chunk list), or -1."""
    fh.seek(len(PNG_MAGIC))
    position = len(PNG_MAGIC)
    while True:
        header = fh.read(8)
        if len(header) < 8:
            return -1
        length = int.from_bytes(header[:4], "big")
        position += 12 + length
        if header[4:8] == b"IEND":
            return position
        fh.seek(position)


def _check_pdf(open_file) -> str:
    from pypdf import PdfReader

    try:
        with open_file() as fh:
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                return "upload_invalid_pdf_encrypted"
            # Count pages with a bounded walk BEFORE pypdf flattens the page tree: a 10 MB
            # file can name a million pages (or a tree that loops), and `reader.pages`
            # would walk all of them; this walk stops at MAX_PDF_PAGES + 1.
            pages = _bounded_page_count(reader, MAX_PDF_PAGES)
            if pages == 0:
                return "upload_invalid_damaged"
            if pages > MAX_PDF_PAGES:
                return "upload_invalid_pdf_pages"
            if len(reader.pages) != pages:
                return "upload_invalid_damaged"
            for page in reader.pages:
                page.mediabox  # noqa: B018  (forces each page object to be parsed)
    except RecursionError:
        return "upload_invalid_damaged"
    except Exception:  # pypdf raises PdfReadError, ValueError, KeyError... on bad data
        return "upload_invalid_damaged"
    return ""


class _PageTreeError(ValueError):
    """A page tree that loops, or has more inner nodes than any real document needs."""


def _bounded_page_count(reader, limit: int) -> int:
    """Leaves of the page tree, counted iteratively, stopping at `limit + 1`. An inner node
    (/Kids) reached twice is a loop; more than `4 * limit` inner nodes is refused too, so
    the walk's cost is bounded by the limit, not by the file."""
    from pypdf.generic import IndirectObject

    root = reader.trailer["/Root"].get_object()["/Pages"]
    stack, seen_inner, leaves = [root], set(), 0
    while stack:
        node = stack.pop()
        ref = (node.idnum, node.generation) if isinstance(node, IndirectObject) else None
        node = node.get_object()
        kids = node.get("/Kids") if hasattr(node, "get") else None
        if kids is None:
            leaves += 1
            if leaves > limit:
                return leaves
            continue
        if ref is not None:
            if ref in seen_inner:
                raise _PageTreeError("the page tree loops")
            seen_inner.add(ref)
        if len(seen_inner) > 4 * limit:
            raise _PageTreeError("too many page tree nodes")
        kids = kids.get_object()
        # Only as many kids as could still fit under the limit are ever looked at.
        stack.extend(reversed(list(kids[:limit + 1 - leaves])))
    return leaves
