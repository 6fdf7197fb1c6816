"""Stable hashes for cache keys: a judge's identity and a clip's content.

A cached verdict may be reused only when both the judge (model, prompt
version, sampling...) and the clip (its name, video bytes, subtitle text) are
unchanged, so both are reduced to hex digests here.

    >>> identity_hash({"name": "j", "prompt": "v2"}) == identity_hash({"prompt": "v2", "name": "j"})
    True
    >>> clip_key("sample_1", video_digest=None, subtitle=None)
    'sample_1'
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["identity_hash", "identity_json_value", "sha256_file", "clip_key"]

_CHUNK = 1 << 20


def identity_json_value(value: Any) -> Any:
    """A judge identity's set (members sorted by repr) or path (text) as JSON; anything else JSON cannot hold is a TypeError."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} value {value!r} is not JSON")


def identity_hash(identity: Mapping[str, Any]) -> str:
    """sha256 of the identity as canonical JSON (sorted keys, no spaces); raises TypeError on non-JSON values."""
    text = json.dumps(dict(identity), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=identity_json_value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: str | Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks so a big video never sits in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def clip_key(name: str, video_digest: str | None, subtitle: str | None) -> str:
    """``name`` alone for a name-only clip; otherwise ``name#<sha256 of video digest and subtitle>``."""
    if video_digest is None and subtitle is None:
        return name
    content = json.dumps([video_digest, subtitle], ensure_ascii=False)
    return f"{name}#{hashlib.sha256(content.encode('utf-8')).hexdigest()}"
