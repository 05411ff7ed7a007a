"""The storage contract, on local disk and on S3 (SeaweedFS, a real S3-compatible server: see
conftest.py). No database: these run once per backend.
"""
from __future__ import annotations

import pytest

from server.uploads.storage import LocalStorage, S3Storage, StorageError, s3_client


@pytest.fixture
def storage(storage_kind, storage_config, tmp_path):
    if storage_kind == "local":
        return LocalStorage(tmp_path / "uploads")
    return S3Storage(s3_client(storage_config), storage_config["S3_BUCKET"],
                     storage_config["S3_PREFIX"], spool_dir=str(tmp_path))


def content(storage, name) -> bytes:
    return b"".join(storage.read(name))


def test_appends_at_offsets_cut_back_and_finish(storage):
    name = storage.new_name()
    storage.create(name)
    assert storage.size(name) == 0
    assert storage.write_at(name, 0, [b"abc", b"def"], 100).written == 6
    assert storage.write_at(name, 6, [b"ghij"], 100).written == 4
    storage.truncate(name, 8)  # a chunk that failed its checksum, cut back mid-piece
    assert storage.size(name) == 8 and content(storage, name) == b"abcdefgh"
    # Leftovers past the offset (a worker died before recording it) are dropped first.
    result = storage.write_at(name, 4, [b"XYZ", b"0123456789"], 5)
    assert (result.written, result.overflow) == (5, True)
    assert content(storage, name) == b"abcdXYZ01"
    storage.finish(name)
    assert content(storage, name) == b"abcdXYZ01" and storage.size(name) == 9
    with storage.open(name) as fh:
        fh.seek(4)
        assert fh.read() == b"XYZ01"
    with storage.local_copy(name) as path, open(path, "rb") as fh:
        assert fh.read() == b"abcdXYZ01"
    storage.delete(name)
    assert storage.size(name) is None
    storage.delete(name)  # deleting twice is fine


def test_a_finished_file_written_again_at_an_offset_keeps_what_came_before(storage):
    """A PATCH that takes an upload over after another made it one file (its claim lapsed
    while the content checks ran) resends the last piece at the stored offset: the bytes
    before it stay, the rest is replaced. Found by the soak on SeaweedFS: S3 lost them."""
    name = storage.new_name()
    storage.create(name)
    storage.write_at(name, 0, [b"first-piece|"], 100)
    storage.write_at(name, 12, [b"last-piece"], 100)
    storage.finish(name)
    assert content(storage, name) == b"first-piece|last-piece"
    assert storage.write_at(name, 12, [b"LAST-PIECE"], 100).written == 10
    storage.finish(name)
    assert content(storage, name) == b"first-piece|LAST-PIECE" and storage.size(name) == 22
    storage.truncate(name, 5)  # cutting a finished file back works the same way
    assert content(storage, name) == b"first"
    storage.delete(name)
    assert storage.size(name) is None


def test_a_broken_body_keeps_what_arrived(storage):
    name = storage.new_name()
    storage.create(name)

    def body():
        yield b"first part "
        raise ConnectionError("client went away")

    seen = []
    with pytest.raises(ConnectionError):
        storage.write_at(name, 0, body(), 100, on_chunk=seen.append)
    assert seen == [b"first part "] and content(storage, name) == b"first part "


def test_names_are_confined(storage):
    for bad in ("../etc/passwd", "a/b", "", "x" * 19, None):
        with pytest.raises(StorageError):
            storage.size(bad)
        with pytest.raises(StorageError):
            storage.delete(bad)


@pytest.mark.parametrize("storage_kind", ["s3"])  # S3's own layout
def test_s3_keeps_an_upload_in_progress_as_pieces_in_the_bucket(storage_kind, storage):
    """Any worker may take the next PATCH: nothing of an upload in progress is on a worker."""
    name = storage.new_name()
    storage.create(name)
    storage.write_at(name, 0, [b"a" * 10], 100)
    storage.write_at(name, 10, [b"b" * 5], 100)
    keys = lambda: sorted(o["Key"] for o in storage.s3.list_objects_v2(  # noqa: E731
        Bucket=storage.bucket, Prefix=storage.prefix).get("Contents", []))
    piece = f"{storage.prefix}{name}/{{:015d}}".format
    assert storage.prefix.endswith("/uploads/")
    assert keys() == [piece(0), piece(10)]
    # A second S3Storage (another worker, another machine) sees the same upload.
    other = S3Storage(storage.s3, storage.bucket, storage.prefix)
    assert other.size(name) == 15
    other.write_at(name, 15, [b"c"], 100)
    storage.finish(name)
    assert keys() == [f"{storage.prefix}{name}"]
    assert content(other, name) == b"a" * 10 + b"b" * 5 + b"c"


@pytest.mark.parametrize("storage_kind", ["s3"])  # S3's own layout
def test_s3_refuses_to_read_a_file_with_a_lost_piece(storage_kind, storage):
    name = storage.new_name()
    storage.create(name)
    storage.write_at(name, 0, [b"a" * 10], 100)
    storage.write_at(name, 10, [b"b" * 10], 100)
    storage.s3.delete_object(Bucket=storage.bucket, Key=f"{storage.prefix}{name}/{0:015d}")
    with pytest.raises(StorageError):
        storage.size(name)
    with pytest.raises(StorageError):
        storage.finish(name)
    storage.delete(name)  # a damaged upload can still be removed entirely
    assert storage.s3.list_objects_v2(Bucket=storage.bucket,
                                      Prefix=f"{storage.prefix}{name}").get("KeyCount") == 0


def test_a_seaweedfs_that_cannot_start_is_an_error_not_a_skip(tmp_path, monkeypatch):
    """The S3 runs need the server: one that exits at start raises (every S3 run then errors
    in CI), with weed's own log in the message."""
    from tests.uploads import seaweedfs

    monkeypatch.setattr(seaweedfs, "weed_binary", lambda: "/bin/false")
    server = seaweedfs.SeaweedFS(tmp_path)
    with pytest.raises(seaweedfs.SeaweedFSError, match="weed exited at start"):
        server.start(timeout=30)
    assert server.process is None  # nothing left running
