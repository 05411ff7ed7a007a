"""The order `make test` hands test files out in (tests/conftest.py file_order): longest
first, the browser files spread among the others, a file never measured in the middle."""
from __future__ import annotations

from tests.conftest import UNKNOWN_FILE_SECONDS, file_order, spread


def test_the_few_are_spread_evenly_among_the_many_each_in_its_order():
    assert spread(["A", "B"], list("123456")) == ["1", "A", "2", "3", "4", "B", "5", "6"]
    assert spread([], ["1", "2"]) == ["1", "2"]
    assert spread(["A"], []) == ["A"]


def test_longest_first_and_the_browser_files_among_the_others():
    seconds = {"tests/api/a.py": 10, "tests/api/b.py": 40, "tests/sync/p.py": 130,
               "tests/e2e/x.py": 20, "tests/e2e/y.py": 35, "tests/unit/u.py": 1}
    files = ["tests/api/a.py", "tests/api/b.py", "tests/e2e/x.py", "tests/e2e/y.py",
             "tests/sync/p.py", "tests/unit/u.py", "tests/unit/new.py"]
    order = file_order(files, seconds)
    assert sorted(order) == sorted(files)
    rest = [f for f in order if not f.startswith("tests/e2e/")]
    assert rest == ["tests/sync/p.py", "tests/api/b.py", "tests/api/a.py",
                    "tests/unit/new.py", "tests/unit/u.py"]  # unknown: UNKNOWN_FILE_SECONDS
    assert 1 < UNKNOWN_FILE_SECONDS < 10
    assert [f for f in order if f.startswith("tests/e2e/")] == ["tests/e2e/y.py",
                                                                "tests/e2e/x.py"]
    assert order[0] == "tests/sync/p.py" and order[-1] == "tests/unit/u.py"
    assert order.index("tests/e2e/y.py") < order.index("tests/e2e/x.py") < len(order) - 1
