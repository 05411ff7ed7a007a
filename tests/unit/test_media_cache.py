"""The test media cache (tests/media/cache.py): a set is read only when whole, made once,
and a changed generator never reads an old drawing."""
from __future__ import annotations

import threading

from tests.media import cache


def test_a_set_is_made_once_and_read_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("SEKALI_TEST_CACHE", str(tmp_path))
    made = []

    def make(into):
        made.append(into)
        (into / "a").write_text("1")
        (into / "b").write_text("2")

    first = cache.complete_folder("set", "ab" * 32, make)
    again = cache.complete_folder("set", "ab" * 32, make)
    assert first == again == tmp_path / f"set-{'ab' * 8}"
    assert len(made) == 1 and not made[0].exists()  # made in a hidden folder, renamed
    assert sorted(p.name for p in first.iterdir()) == ["a", "b"]


def test_an_incomplete_set_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SEKALI_TEST_CACHE", str(tmp_path))

    def make(into):
        (into / "a").write_text("1")
        (into / "b").write_text("2")

    def whole(folder):
        return (folder / "a").exists() and (folder / "b").exists()

    folder = cache.complete_folder("set", "cd" * 32, make, valid=whole)
    (folder / "b").unlink()
    assert cache.complete_folder("set", "cd" * 32, make, valid=whole) == folder
    assert (folder / "b").read_text() == "2"


def test_two_runs_making_it_at_once_end_with_one_whole_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SEKALI_TEST_CACHE", str(tmp_path))
    both_inside = threading.Barrier(2)

    def make(into):
        both_inside.wait(timeout=10)  # neither has renamed yet
        for i in range(50):
            (into / f"{i}").write_text(str(i))

    results = []
    threads = [threading.Thread(target=lambda: results.append(
        cache.complete_folder("set", "ef" * 32, make))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0] == results[1]
    assert len(list(results[0].iterdir())) == 50
    assert [p.name for p in tmp_path.iterdir()] == [results[0].name]  # no hidden leftovers


def test_a_new_fingerprint_replaces_the_old_folder_and_leaves_other_names(tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("SEKALI_TEST_CACHE", str(tmp_path))
    old = cache.folder("photos", "01" * 32)
    (old / "kk-1.jpg").write_bytes(b"old drawing")
    keep = cache.complete_folder("set", "23" * 32, lambda into: None)
    new = cache.folder("photos", "45" * 32)
    assert not old.exists() and new.is_dir() and list(new.iterdir()) == []
    assert keep.is_dir()


def test_the_fingerprint_follows_the_code(tmp_path):
    def draw():
        return 1

    def draw_changed():
        return 2

    assert cache.fingerprint(draw) == cache.fingerprint(draw)
    assert cache.fingerprint(draw) != cache.fingerprint(draw_changed)
    assert cache.fingerprint("a") != cache.fingerprint("b")
