"""Where drawn test media are kept between runs and between clones, as pip keeps its wheels.

Drawing them costs CPU (a 12 MP document photo about 1.5 s; the quality calibration set
about 70 s), and they are a pure function of the code that draws them: each folder is named
by a fingerprint of that code (and of Pillow's version), so a changed generator never reads
an old drawing, and a folder of another fingerprint is removed when a new one is complete.

    SEKALI_TEST_CACHE      the folder (default: $XDG_CACHE_HOME/sekali-datang, else
                           ~/.cache/sekali-datang); delete it to draw everything again.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def cache_root() -> Path:
    base = os.environ.get("SEKALI_TEST_CACHE")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        base = os.path.join(xdg, "sekali-datang")
    root = Path(base)
    root.mkdir(parents=True, exist_ok=True)
    return root


def fingerprint(*parts: object) -> str:
    """SHA-256 of Pillow's version and `parts` (modules and functions by their source)."""
    import PIL

    texts = [PIL.__version__]
    for part in parts:
        texts.append(part if isinstance(part, str) else inspect.getsource(part))
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()


def folder(name: str, print_: str) -> Path:
    """The folder of `name` for fingerprint `print_` (made empty if new), for files written
    one by one, each atomically (photo files: pages.photo_file); other fingerprints' folders
    of `name` go."""
    root = cache_root()
    path = root / f"{name}-{print_[:16]}"
    path.mkdir(exist_ok=True)
    _remove_others(root, name, path)
    return path


def complete_folder(name: str, print_: str, make: Callable[[Path], None],
                    valid: Callable[[Path], bool] = Path.is_dir) -> Path:
    """The folder of `name` for fingerprint `print_`, made by `make(folder)` once, as a whole:
    into a hidden folder renamed into place when complete, so that no run reads half a set
    and two runs making it at once both end with one whole folder (the second rename fails
    and the first one's is used: the same content). A folder that is not `valid` (files
    deleted by hand) is made again."""
    root = cache_root()
    path = root / f"{name}-{print_[:16]}"
    if path.is_dir() and valid(path):
        return path
    shutil.rmtree(path, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        make(work)
        try:
            os.rename(work, path)
        except OSError:  # another run renamed its own first
            if not path.is_dir():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _remove_others(root, name, path)
    return path


def _remove_others(root: Path, name: str, keep: Path) -> None:
    for other in root.iterdir():
        if other != keep and re.fullmatch(re.escape(name) + r"-[0-9a-f]{16}", other.name):
            shutil.rmtree(other, ignore_errors=True)
