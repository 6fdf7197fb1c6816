"""Which weights a local model folder holds: what a cache must key on besides the folder's path.

A model retrained in place keeps its path and usually its file sizes; the bytes tell the
versions apart, and reading a MiB from each end of each weight file does it without reading
gigabytes.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

__all__ = ["checkpoint_revision", "file_revision"]

#: Bytes read from each end of a weight file for the revision hash (retrained weights of the same
#: shapes keep the file size: the bytes tell them apart, without reading gigabytes).
_REVISION_SAMPLE = 1 << 20


def checkpoint_revision(path: Path, config: str = "config.json") -> str:
    """The hub commit of a cached snapshot folder, else a hash of ``config``, the other settings files, and each
    weight file's name, size, first and last MiB.

    The settings files (``*.json``, ``*.jinja``: chat template, generation and tokenizer settings) change the
    answers as surely as the weights do, and are small enough to hash whole.
    """
    snapshot = re.search(r"snapshots/([0-9a-f]{40})(/|$)", path.as_posix())
    if snapshot:
        return snapshot.group(1)
    digest = hashlib.sha256((path / config).read_bytes())
    for settings in sorted([*path.glob("*.json"), *path.glob("*.jinja")]):
        if settings.name != config and settings.is_file():
            digest.update(f"{settings.name}:".encode() + settings.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        _sample(digest, weights)
    return "sha256:" + digest.hexdigest()[:16]


def file_revision(path: Path) -> str:
    """Which weights one checkpoint file holds (an AffectGPT ``.pth``): a hash of its name, size, first and last MiB."""
    digest = hashlib.sha256()
    _sample(digest, path)
    return "sha256:" + digest.hexdigest()[:16]


def _sample(digest: Any, weights: Path) -> None:
    """Feed ``digest`` the file's name, size, first and last MiB."""
    size = weights.stat().st_size
    digest.update(f"{weights.name}:{size}".encode())
    with weights.open("rb") as handle:
        digest.update(handle.read(_REVISION_SAMPLE))
        handle.seek(max(0, size - _REVISION_SAMPLE))
        digest.update(handle.read(_REVISION_SAMPLE))
