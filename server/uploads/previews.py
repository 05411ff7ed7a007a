"""The small WebP preview officers look at first (the file itself stays as the citizen sent it).

Made once, when the last byte of a ready image lands (operations._complete), from the file
that passed the content checks: turned upright by its Exif orientation, long edge at most
PREVIEW_LONG_EDGE px (never enlarged), RGB, WebP without any metadata (Pillow writes Exif or
XMP into a WebP only when asked, so no location can survive into it).

PDFs get no preview: nothing installed here renders a PDF page (pypdf parses, it does not
draw), so the officer's viewer opens the PDF itself (GET /api/documents/<id>/file).
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from .checks import PIL_FORMATS

PREVIEW_LONG_EDGE = 800
PREVIEW_QUALITY = 70
PREVIEW_TYPE = "image/webp"


def can_preview(content_type: str) -> bool:
    return content_type in PIL_FORMATS


def make_preview(path: str, content_type: str) -> bytes:
    """The WebP preview of the checked image at `path` (already decoded once by checks.py,
    so its size is within MAX_IMAGE_PIXELS)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path, formats=[PIL_FORMATS[content_type]]) as image:
            # draft() lets the JPEG decoder scale down by 1/2..1/8 while decoding: a 12 MP
            # photo then costs a fraction of a full decode.
            image.draft("RGB", (PREVIEW_LONG_EDGE, PREVIEW_LONG_EDGE))
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                # A transparent scan shows on white paper, not on black.
                rgba = upright.convert("RGBA")
                upright = Image.new("RGB", rgba.size, (255, 255, 255))
                upright.paste(rgba, mask=rgba.getchannel("A"))
            else:
                upright = upright.convert("RGB")
            upright.thumbnail((PREVIEW_LONG_EDGE, PREVIEW_LONG_EDGE), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            upright.save(buffer, "WEBP", quality=PREVIEW_QUALITY, method=4)
    return buffer.getvalue()
