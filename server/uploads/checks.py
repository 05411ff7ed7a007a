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
6. a PDF has no active content (`active_content`): refused, never rewritten, so a PDF's
   stored bytes are always the citizen's own (see that function for what counts);
7. no polyglot tail: a PNG ends at its IEND chunk, a WebP at its RIFF length. (JPEG may carry
   data after EOI: phones append secondary images there, so it is allowed; stored files are
   only ever served with their checked type, nosniff and a server-made file name.)
"""
from __future__ import annotations

import hashlib
import logging
import warnings
from dataclasses import dataclass

from PIL import Image

from .storage import read_chunks

# 16 MP: what a phone camera saves (12 MP at 4:3 is 4032 x 3024; 16 MP 4608 x 3456), and over
# five times what the PWA sends (a 2000 px long edge, pwa/src/capture/compress.js). Decoding
# is what costs: 3 bytes a pixel (48 MB here, 119 MB at the old 40 MP cap) and 0.15 s of
# CPU for a 16 MP PNG against 0.44 s at 40 MP, for a file that can be 50 KB. The 48-200 MP
# modes of some phones are refused ("make it smaller"); they are over 10 MB as JPEG anyway.
MAX_IMAGE_PIXELS = 16_000_000
MAX_PDF_PAGES = 50
JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
ACCEPTED_TYPES = (JPEG, PNG, WEBP, PDF)
ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF}
PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
log = logging.getLogger(__name__)


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
            found = active_content(reader)
            if found is not None:
                log.info("PDF refused: active content (%s)", found)
                return "upload_invalid_pdf_active"
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


# ---- active content in a PDF ------------------------------------------------------------
#
# Officers open PDFs in their browser. What a document scan never needs, and what could act
# on an officer's machine, is refused (with `upload_invalid_pdf_active`), not removed: a
# rewritten PDF would no longer be the file the citizen sent (and any signature in it would
# break), and a clear "scan it again" is easy to follow. Refused:
# - scripts anywhere: a /JS or /JavaScript key (JavaScript actions, the document's
#   /Names/JavaScript tree), XFA forms (/XFA);
# - every action type except moving within the document (/GoTo, /Named, /Thread) and, only
#   when clicked (an annotation's or outline item's /A), opening a web address (/URI): so
#   /Launch, /SubmitForm, /ImportData, /GoToR, /GoToE, /Rendition, /RichMediaExecute...;
# - any action that runs by itself (/OpenAction, /AA's triggers, an action's /Next) other
#   than moving within the document: an /OpenAction or /AA /URI would open a site unasked;
# - embedded files and media: /EmbeddedFiles, /EmbeddedFile, /RichMediaContent, and
#   annotations of subtype /FileAttachment, /RichMedia, /Screen, /Movie, /Sound, /3D.
# Kept: a link annotation with /URI (passive: the viewer shows the target, the officer
# decides), and an /OpenAction that only opens a page (many producers write one).

SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
EMBEDDED_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/RichMediaContent"}
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
MOVING_ACTIONS = {"/GoTo", "/Named", "/Thread"}
CLICKED_ACTIONS = MOVING_ACTIONS | {"/URI"}
AUTOMATIC_KEYS = {"/OpenAction", "/Next"}
# Back-pointers lead only to objects reached anyway; skipping them keeps the walk short.
BACK_POINTERS = {"/Parent", "/P"}
MAX_PDF_OBJECTS = 100_000


def active_content(reader) -> str | None:
    """What active content a PDF holds (a short description for the log), or None. Walks
    every object reachable from the document catalog once (indirect references are
    followed once each; streams' dictionaries are read, their data never decoded), and
    refuses a file with more than MAX_PDF_OBJECTS of them as damaged."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack: list = [(reader.trailer["/Root"], "")]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        node, key = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise _PageTreeError("too many objects")
        if isinstance(node, ArrayObject):
            stack.extend((item, key) for item in node)
            continue
        if not isinstance(node, DictionaryObject):
            continue
        found = _active_in(node, key)
        if found is not None:
            return found
        for name, value in node.items():
            if name == "/AA":  # additional actions: each trigger's action runs by itself
                value = value.get_object()
                if isinstance(value, DictionaryObject):
                    stack.extend((action, "/OpenAction") for action in value.values())
                    continue
            if name not in BACK_POINTERS:
                stack.append((value, name))
    return None


def _active_in(node, key: str) -> str | None:
    """`node` (a dictionary found under `key`) is active content: what it is, or None."""
    for name in node:
        if name in SCRIPT_KEYS:
            return f"script ({name})"
        if name in EMBEDDED_KEYS:
            return f"embedded content ({name})"
    subtype = node.get("/Subtype")
    if subtype in ACTIVE_ANNOTATIONS and node.get("/Type", "/Annot") == "/Annot":
        return f"annotation {subtype}"
    action = node.get("/S")
    if key in AUTOMATIC_KEYS and action is not None and action not in MOVING_ACTIONS:
        return f"automatic action {action}"
    if key == "/A" and action is not None and action not in CLICKED_ACTIONS:
        return f"action {action}"
    if node.get("/Type") == "/Action" and action is not None and action not in CLICKED_ACTIONS:
        return f"action {action}"
    return None
