"""The SKM arithmetic of Permen PANRB 14/2017 against hand-computed figures: element means,
the IKM with weights of exactly 1/9, the bands on both sides of each limit, and the minimum
sample read from the shipped Krejcie-Morgan table."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from server.survey import skm

# Ten respondents, hand-computed. Element totals (out of 40):
#   U1 34, U2 35, U3 36, U4 40, U5 35, U6 36, U7 37, U8 35, U9 30  -> 318 points
# Means (NRR): 3.4 3.5 3.6 4.0 3.5 3.6 3.7 3.5 3.0 -> they add up to 31.8
# IKM = 31.8 / 9 x 25 = 88.333... -> 88.33, band A (88.31-100).
# With the weights rounded to 0.111: 31.8 x 0.111 x 25 = 88.245 -> 88.25, band B: wrong.
RESPONSES = [
    # u1 u2 u3 u4 u5 u6 u7 u8 u9
    (4, 4, 4, 4, 4, 4, 4, 4, 3),
    (4, 4, 4, 4, 4, 4, 4, 4, 3),
    (4, 4, 4, 4, 4, 4, 4, 4, 3),
    (4, 4, 4, 4, 4, 4, 4, 4, 3),
    (3, 3, 4, 4, 3, 4, 4, 3, 3),
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
    (3, 4, 4, 4, 4, 4, 3, 4, 3),
    (3, 3, 3, 4, 3, 3, 3, 3, 3),
    (3, 3, 3, 4, 3, 3, 3, 3, 3),
]


def sums_of(responses):
    return {key: sum(r[i] for r in responses) for i, key in enumerate(skm.ELEMENTS)}


def test_the_hand_computed_fixture() -> None:
    sums = sums_of(RESPONSES)
    assert sums == {"u1": 34, "u2": 35, "u3": 36, "u4": 40, "u5": 35, "u6": 36, "u7": 37,
                    "u8": 35, "u9": 30}
    result = skm.index(len(RESPONSES), sums)
    assert result.element_values() == {
        "u1": Decimal("3.40"), "u2": Decimal("3.50"), "u3": Decimal("3.60"),
        "u4": Decimal("4.00"), "u5": Decimal("3.50"), "u6": Decimal("3.60"),
        "u7": Decimal("3.70"), "u8": Decimal("3.50"), "u9": Decimal("3.00")}
    assert result.ikm_exact == Fraction(2650, 30)  # 31.8 x 25 / 9 = 88.333...
    assert result.ikm == Decimal("88.33")
    assert result.band.grade == "A" and result.band.words_id == "Sangat baik"


def test_rounded_weights_would_change_the_band() -> None:
    """The regulation's weight is 1/9; a spreadsheet's 0.111 moves this unit from A to B."""
    sums = sums_of(RESPONSES)
    means = [Fraction(s, len(RESPONSES)) for s in sums.values()]
    rounded = skm.two_decimals(sum(m * Fraction("0.111") for m in means) * 25)
    assert rounded == Decimal("88.25") and skm.band(rounded).grade == "B"
    assert skm.index(len(RESPONSES), sums).band.grade == "A"


def test_the_domain_example_of_a_published_error() -> None:
    """Means that add up to 32.9328: exactly 91.48; the rounded weights give 91.39."""
    result = skm.index(10000, {"u1": 36000, "u2": 36500, "u3": 36200, "u4": 37000,
                               "u5": 36800, "u6": 36900, "u7": 37100, "u8": 36500,
                               "u9": 36328})
    assert result.ikm == Decimal("91.48")


@pytest.mark.parametrize("value,grade", [
    ("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
    ("65.00", "C"), ("64.99", "D"), ("25.00", "D")])
def test_band_limits_on_both_sides(value, grade) -> None:
    assert skm.band(Decimal(value)).grade == grade


@pytest.mark.parametrize("value", ["24.99", "100.01", "0"])
def test_outside_the_scale_is_an_error(value) -> None:
    with pytest.raises(ValueError):
        skm.band(Decimal(value))


def test_the_band_is_decided_on_the_printed_two_decimals() -> None:
    # 9 answers whose means add up to 31.7898... -> 88.305... prints 88.31: an A
    assert skm.two_decimals(Fraction(88305, 1000)) == Decimal("88.31")
    assert skm.two_decimals(Fraction(88304999, 1000000)) == Decimal("88.30")


def test_one_element_missing_or_a_mean_outside_the_scale_is_refused() -> None:
    sums = sums_of(RESPONSES)
    del sums["u9"]
    with pytest.raises(ValueError):
        skm.index(10, sums)
    with pytest.raises(ValueError):
        skm.index(10, {**sums_of(RESPONSES), "u1": 41})
    assert skm.index(0, sums_of(RESPONSES)) is None


@pytest.mark.parametrize("population,minimum", [
    (0, 0), (1, 1), (9, 9), (10, 10), (11, 14), (50, 44), (100, 80), (101, 86), (500, 217),
    (1000, 278), (2000, 322), (2001, 327), (10000, 370), (75000, 382), (75001, 384),
    (100000, 384), (1000000, 384)])
def test_krejcie_morgan_lookup(population, minimum) -> None:
    assert skm.minimum_sample(population) == minimum


def test_the_table_is_the_printed_one_not_the_formula() -> None:
    """The formula s = X2 N P(1-P) / (d2 (N-1) + X2 P(1-P)) rounds differently from the
    printed table at some rows; the table is shipped and wins."""
    rows = dict(skm.krejcie_morgan())
    assert len(rows) == 90 and rows[10] == 10 and rows[100000] == 384

    def formula(n: int) -> int:
        x2, p, d = 3.841, 0.5, 0.05
        return round(x2 * n * p * (1 - p) / (d * d * (n - 1) + x2 * p * (1 - p)))

    differing = [n for n, s in rows.items() if formula(n) != s]
    assert differing, "the table and the formula agree everywhere: nothing to prove"
    for n in differing:
        assert skm.minimum_sample(n) == rows[n]
