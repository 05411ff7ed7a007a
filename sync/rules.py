"""Identity rules shared by the profile (server/accounts) and form validation (sync):
one source of truth for what a valid NIK, KK number and phone number are."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

NIK_RE = re.compile(r"[0-9]{16}\Z")  # ASCII digits only; \Z: no trailing newline
PHONE_DIGITS = re.compile(r"\+628[0-9]{7,11}\Z")  # +62 8xx, 10 to 14 digits after +62


@dataclass(frozen=True)
class RuleError:
    code: str  # stable; its words are the server's (server/i18n.py, "problem.<code>")


def nik_problem(nik: str, birth_date: dt.date | None = None, sex: str | None = None
                ) -> RuleError | None:
    """None if `nik` is a plausible NIK and agrees with the birth date and sex given.

    Digits 1-6 are the region (province, regency, district), 7-12 the birth date DDMMYY with
    40 added to the day for women, 13-16 a serial. `sex` is "L" (laki-laki) or "P" (perempuan).
    """
    if not isinstance(nik, str) or not NIK_RE.match(nik):
        return RuleError("nik_format")
    province, regency, district = int(nik[0:2]), int(nik[2:4]), int(nik[4:6])
    if not (11 <= province <= 96) or regency == 0 or district == 0:
        return RuleError("nik_region")
    if nik[12:16] == "0000":
        return RuleError("nik_serial")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    if not _date_exists(day, month, year2):
        return RuleError("nik_birth_date")
    if birth_date is not None and (birth_date.day, birth_date.month,
                                   birth_date.year % 100) != (day, month, year2):
        return RuleError("nik_birth_date_mismatch")
    if sex is not None and sex in ("L", "P") and (sex == "P") != female:
        return RuleError("nik_sex_mismatch")
    return None


def _date_exists(day: int, month: int, year2: int) -> bool:
    # The century is unknown from two digits; 2000 is a leap year, so 29 Feb passes for "00".
    for century in (1900, 2000):
        try:
            dt.date(century + year2, month, day)
            return True
        except ValueError:
            continue
    return False


def kk_problem(kk: str) -> RuleError | None:
    if not isinstance(kk, str) or not NIK_RE.match(kk):
        return RuleError("kk_format")
    if int(kk[0:2]) < 11 or int(kk[0:2]) > 96:
        return RuleError("kk_region")
    return None


def normalise_phone(text: str) -> str | None:
    """An Indonesian mobile number as +628..., from the ways people write it
    (0812-3456-7890, 62812..., +62 812 ...); None if it is not one."""
    if not isinstance(text, str):
        return None
    compact = re.sub(r"[\s\-().]", "", text.strip())
    if compact.startswith("+62"):
        digits = compact[3:]
    elif compact.startswith("62"):
        digits = compact[2:]
    elif compact.startswith("0"):
        digits = compact[1:]
    elif compact.startswith("8"):
        digits = compact
    else:
        return None
    candidate = "+62" + digits
    return candidate if PHONE_DIGITS.match(candidate) else None


PHONE_ERROR = RuleError("phone_format")


def mask_nik(nik: str) -> str:
    return nik[:4] + "*" * 8 + nik[-4:] if isinstance(nik, str) and len(nik) == 16 else "****"


def mask_phone(phone: str) -> str:
    if not isinstance(phone, str) or len(phone) < 8:
        return "****"
    return phone[:6] + "*" * (len(phone) - 9) + phone[-3:]
