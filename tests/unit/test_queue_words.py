"""What the call display says and prints (server/visit_queue/operations.py): the spoken call
in Bahasa Indonesia, and the queue number prefix of an agency."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from server.visit_queue.operations import prefix_of, spoken


@pytest.mark.parametrize("number,counter,said", [
    ("DKC-017", "Loket 3", "Nomor antrian D K C nol satu tujuh, silakan ke loket tiga"),
    ("IMG-120", "Loket 11", "Nomor antrian I M G satu dua nol, silakan ke loket sebelas"),
    ("PTS-001", "Loket 4 (perekaman)", "Nomor antrian P T S nol nol satu, silakan ke loket empat"),
    ("DKC-005", "Loket 1-3", "Nomor antrian D K C nol nol lima, silakan ke loket satu sampai tiga"),
    ("BPK-009", "Loket 20", "Nomor antrian B P K nol nol sembilan, silakan ke loket dua puluh"),
    ("BPK-010", "Loket 115",
     "Nomor antrian B P K nol satu nol, silakan ke loket seratus lima belas"),
])
def test_the_call_is_said_letter_by_letter_and_digit_by_digit(number, counter, said):
    assert spoken(number, counter) == said


def test_prefixes_come_from_the_agency_kind_or_its_code():
    assert prefix_of(SimpleNamespace(kind="dukcapil", code="dukcapil")) == "DKC"
    assert prefix_of(SimpleNamespace(kind="imigrasi", code="imigrasi")) == "IMG"
    assert prefix_of(SimpleNamespace(kind="baru", code="dinas-sosial")) == "DIN"
    assert prefix_of(SimpleNamespace(kind="x", code="ab")) == "ABX"
