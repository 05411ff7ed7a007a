"""The SKM's rules (Permen PANRB 14/2017), with no HTTP and no database: the nine elements and
their answer words, the respondent profile, the index (IKM) and its band, and the minimum
sample from the Krejcie-Morgan table.

Arithmetic is exact (fractions) until the one rounding the regulation prints: the IKM to two
decimals (half up), and that rounded value decides the band. The weight of each element is
exactly 1/9: the index is the sum of the nine element means times 25/9, never times a
rounded 0.111 (which turns 88.32, an A, into 88.23, a B).
"""
from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

ELEMENTS = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
SCORES = (1, 2, 3, 4)
MIN_GROUP = 5  # no breakdown is shown for fewer responses than this

# (name id, name en, question id, question en, (words for 1..4 id), (words 1..4 en)): the
# questionnaire of Permen PANRB 14/2017, each element with its own four answers.
ELEMENT_TEXT: dict[str, tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    "u1": ("Persyaratan", "Requirements",
           "Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis "
           "pelayanannya?",
           "How well did the requirements fit the service?",
           ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
           ("Not fitting", "Barely fitting", "Fitting", "Very fitting")),
    "u2": ("Sistem, mekanisme, dan prosedur", "Procedure",
           "Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?",
           "How easy was the procedure?",
           ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
           ("Not easy", "Barely easy", "Easy", "Very easy")),
    "u3": ("Waktu penyelesaian", "Completion time",
           "Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?",
           "How quick was the service?",
           ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
           ("Not quick", "Barely quick", "Quick", "Very quick")),
    "u4": ("Biaya/tarif", "Fee",
           "Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?",
           "How fair was the fee?",
           ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
           ("Very expensive", "Rather expensive", "Cheap", "Free")),
    "u5": ("Produk spesifikasi jenis pelayanan", "Service product",
           "Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang tercantum "
           "dalam standar pelayanan dengan hasil yang diberikan?",
           "How well did what you received match the service standard?",
           ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
           ("Not matching", "Barely matching", "Matching", "Fully matching")),
    "u6": ("Kompetensi pelaksana", "Staff competence",
           "Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas dalam pelayanan?",
           "How competent were the staff?",
           ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
           ("Not competent", "Barely competent", "Competent", "Very competent")),
    "u7": ("Perilaku pelaksana", "Staff behaviour",
           "Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait "
           "kesopanan dan keramahan?",
           "How polite and friendly were the staff?",
           ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah",
            "Sangat sopan dan ramah"),
           ("Not polite or friendly", "Barely polite and friendly", "Polite and friendly",
            "Very polite and friendly")),
    "u8": ("Sarana dan prasarana", "Facilities",
           "Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?",
           "How good were the facilities?",
           ("Buruk", "Cukup", "Baik", "Sangat baik"),
           ("Poor", "Fair", "Good", "Very good")),
    "u9": ("Penanganan pengaduan, saran dan masukan", "Complaint handling",
           "Bagaimana pendapat Anda tentang penanganan pengaduan pengguna layanan?",
           "How are users' complaints handled?",
           ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal",
            "Dikelola dengan baik"),
           ("There is none", "There is one, but it does not work", "Works, not fully",
            "Well managed")),
}

# The respondent profile the regulation's form asks: value -> (words id, words en).
AGE_BANDS = {"lt20": ("Di bawah 20 tahun", "Under 20"), "20_29": ("20-29 tahun", "20-29"),
             "30_39": ("30-39 tahun", "30-39"), "40_49": ("40-49 tahun", "40-49"),
             "50_59": ("50-59 tahun", "50-59"), "60plus": ("60 tahun ke atas", "60 or older")}
SEXES = {"l": ("Laki-laki", "Male"), "p": ("Perempuan", "Female")}
EDUCATION = {"sd": ("SD ke bawah", "Primary or less"), "smp": ("SMP", "Junior high"),
             "sma": ("SMA/SMK", "Senior high"), "diploma": ("D1-D4", "Diploma"),
             "s1": ("S1", "Bachelor's"), "s2plus": ("S2 ke atas", "Master's or higher")}
OCCUPATIONS = {"pns": ("PNS", "Civil servant"), "tni": ("TNI", "Armed forces"),
               "polri": ("POLRI", "Police"), "swasta": ("Pegawai swasta", "Private employee"),
               "wirausaha": ("Wirausaha", "Self-employed"),
               "pelajar": ("Pelajar/mahasiswa", "Student"), "lainnya": ("Lainnya", "Other")}
PROFILE_CHOICES = {"age_band": AGE_BANDS, "sex": SEXES, "education": EDUCATION,
                   "occupation": OCCUPATIONS}
MAX_SUGGESTION = 2000


@dataclass(frozen=True)
class Band:
    grade: str  # A..D
    lowest: Decimal  # the smallest IKM (two decimals) in the band
    words_id: str
    words_en: str


# Permen PANRB 14/2017: "nilai interval konversi" and "mutu pelayanan".
BANDS = (Band("A", Decimal("88.31"), "Sangat baik", "Very good"),
         Band("B", Decimal("76.61"), "Baik", "Good"),
         Band("C", Decimal("65.00"), "Kurang baik", "Poor"),
         Band("D", Decimal("25.00"), "Tidak baik", "Very poor"))


def two_decimals(value: Fraction) -> Decimal:
    """Half up, as the regulation's tables print; exact (integers from the fraction, never
    a float). Scores and indexes are positive."""
    if value < 0:
        raise ValueError("scores and indexes are positive")
    hundredths = (value.numerator * 200 + value.denominator) // (2 * value.denominator)
    return Decimal(hundredths).scaleb(-2)


def band(ikm: Decimal) -> Band:
    """The band of an IKM already rounded to two decimals (25.00 to 100.00)."""
    if not Decimal("25.00") <= ikm <= Decimal("100.00"):
        raise ValueError(f"an IKM lies between 25 and 100, not {ikm}")
    for candidate in BANDS:
        if ikm >= candidate.lowest:
            return candidate
    raise AssertionError("unreachable: D starts at 25.00")


@dataclass(frozen=True)
class Index:
    responses: int
    element_means: dict[str, Fraction]  # NRR per element, exact
    ikm_exact: Fraction
    ikm: Decimal  # two decimals
    band: Band

    def element_values(self) -> dict[str, Decimal]:
        """Each element's mean on the 1-4 scale, to two decimals."""
        return {key: two_decimals(mean) for key, mean in self.element_means.items()}


def index(responses: int, sums: dict[str, int]) -> Index | None:
    """The IKM of `responses` answers whose scores add up to `sums[element]`; None without
    answers. NRR = sum / responses per element; IKM = (sum of the nine NRR) / 9 x 25."""
    if responses <= 0:
        return None
    missing = set(ELEMENTS) - set(sums)
    if missing:
        raise ValueError(f"sums lack {sorted(missing)}")
    for key in ELEMENTS:
        if not responses <= sums[key] <= 4 * responses:
            raise ValueError(f"{key}: a mean of {sums[key] / responses} is outside 1-4")
    means = {key: Fraction(sums[key], responses) for key in ELEMENTS}
    # (sum of the nine means) / 9 x 25, as one fraction: the means share a denominator.
    exact = Fraction(sum(sums[key] for key in ELEMENTS) * 25, len(ELEMENTS) * responses)
    rounded = two_decimals(exact)
    return Index(responses, means, exact, rounded, band(rounded))


# ---------------------------------------------------------------------- Krejcie-Morgan

TABLE_FILE = Path(__file__).with_name("data") / "krejcie_morgan.csv"


@cache
def krejcie_morgan() -> tuple[tuple[int, int], ...]:
    """The table as shipped in data/krejcie_morgan.csv: (population, sample) rows, ascending."""
    with TABLE_FILE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = tuple((int(r["population"]), int(r["sample"])) for r in csv.DictReader(lines))
    if list(rows) != sorted(rows) or len({n for n, _ in rows}) != len(rows):
        raise ValueError(f"{TABLE_FILE}: populations must be ascending and distinct")
    return rows


@cache
def _populations() -> list[int]:
    return [n for n, _ in krejcie_morgan()]


def minimum_sample(population: int) -> int:
    """The minimum number of respondents for `population` from the table: the row of that
    population, else the next larger one listed (the cautious reading); below the first row
    everyone (N); above the last, the last row's sample."""
    if population <= 0:
        return 0
    rows = krejcie_morgan()
    populations = _populations()
    if population < populations[0]:
        return population
    at = bisect.bisect_left(populations, population)
    if at == len(rows):
        return rows[-1][1]
    return rows[at][1]
