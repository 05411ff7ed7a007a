"""Logging that never writes a NIK or a phone number in clear."""
from __future__ import annotations

import logging
import re

from sync.rules import mask_nik, mask_phone

_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+62|62|0)8\d{7,11}(?!\d)")


def mask_personal_data(text: str) -> str:
    text = _NIK.sub(lambda m: mask_nik(m.group()), text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of the root logger (and to `logger`'s)."""
    root = logging.getLogger()
    for handler in root.handlers + (logger.handlers if logger else []):
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())
