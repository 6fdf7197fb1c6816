"""A persistent verdict store, so a run can be stopped, resumed and repeated for free."""
from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from judges.answers_read_again import read_again
from judges.base import Judge
from judges.clip import Clip
from judges.clip_hash import clip_key, identity_hash, sha256_file
from judges.errors import InputError, listed, raised_text
from judges.own_code import is_own_module
from judges.text_files import path_text, user_path
from judges.user_warnings import warn_user
from judges.verdict import Verdict

__all__ = ["VerdictCache", "judge_identity"]

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    judge_id TEXT NOT NULL, clip_key TEXT NOT NULL, judge TEXT NOT NULL, clip TEXT NOT NULL,
    ok INTEGER NOT NULL, verdict TEXT NOT NULL, stored_at REAL NOT NULL,
    PRIMARY KEY (judge_id, clip_key));
CREATE TABLE IF NOT EXISTS judge_identities (
    judge_id TEXT PRIMARY KEY, name TEXT NOT NULL, identity TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_digests (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL);
"""
_QUERY_CHUNK = 500


@functools.cache
def _schema_columns() -> dict[str, list[str]]:
    """Table name -> column names of the schema above (worked out once, when a cache is first opened)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(_SCHEMA)
        return _table_columns(conn)
    finally:
        conn.close()


def _table_columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every schema object but SQLite's own (``sqlite_*``) -> its column names (none for an index or trigger)."""
    names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")]
    return {name: [c for (c,) in conn.execute("SELECT name FROM pragma_table_info(?)", (name,))] for name in names}


def _stored_verdict(text: object, clip: str) -> Verdict | None:
    """A stored row's verdict, or None if the row is damaged (not the JSON of a verdict on ``clip``)."""
    if not isinstance(text, (str, bytes)):
        return None
    try:
        data = json.loads(text)
        verdict = Verdict.from_dict(data) if isinstance(data, dict) else None
    except (ValueError, TypeError):
        return None
    if verdict is None or verdict.clip != clip or not isinstance(verdict.words, list) or not all(isinstance(w, str) for w in verdict.words):
        return None
    return verdict


def _check_is_sqlite(path: Path) -> None:
    """A file that is there, not empty and not SQLite is refused: SQLite would take a file shorter than its
    header (a stray 1-byte file, a wrong path) as a new database and write over it."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return  # not there yet, or unreadable: sqlite creates it, or its own error names it
    if head and head != b"SQLite format 3\x00":
        raise InputError(f"{path}: not a verdict cache (not a SQLite file); delete it or use another cache path")


def judge_identity(judge: Judge) -> dict[str, Any]:
    """``judge.cache_identity()``, or a one-line :class:`InputError` naming the judge, its class and the exception if it
    raises (a judge of one's own whose cache_identity has a bug; its traceback the cause): read so by the cache, the Ray
    runner and ``CoJudge.save``/``load`` (``cojudge predict --calibration`` reads it before any cache does)."""
    try:
        return judge.cache_identity()
    except Exception as exc:
        # a cache_identity of one's own is told where the rules are; a built-in judge's, also inherited by a judge of one's
        # own (class MyAffectGPT(AffectGPTJudge)), says what is wrong (its checkpoint gone); the base class's reads only the name
        ran = next(c for c in type(judge).__mro__ if "cache_identity" in vars(c))
        fix = "" if is_own_module(ran.__module__) and ran is not Judge else "; fix it (README, 'Adding a judge')"
        raise InputError(f"judge {judge.name!r} ({type(judge).__name__}): its cache_identity() raised "
                         f"{raised_text(exc)}{fix}") from exc


class VerdictCache:
    """Verdicts in a sqlite file, keyed by (judge identity hash, clip key).

    The judge identity is ``judge.cache_identity()`` as canonical JSON, hashed:
    a new prompt version or model revision misses. The clip key is the clip
    name plus a hash of the video bytes and subtitle text (just the name for a
    name-only clip): an edited video misses. Video digests are memoised by
    (path, size, mtime) in the same file, so a re-run does not re-read big
    videos. Failed verdicts are stored too (a failing clip is recorded, not
    retried, unless ``retry_failed=True``). Every ``put`` commits at once; the
    file is in WAL mode with ``synchronous=NORMAL``, which survives a killed
    process (only a power cut may lose the last commits). One connection per
    cache object, guarded by a lock, so threads may share it; processes each
    open their own: a pickled cache is its absolute path, opened where it is
    unpickled at its first use.

    >>> import tempfile
    >>> from judges.replay import ReplayJudge
    >>> judge, clip = ReplayJudge("toy", labels={"clip1": ["happy"]}), Clip("clip1")
    >>> cache = VerdictCache(Path(tempfile.mkdtemp()) / "verdicts.sqlite")
    >>> cache.put(judge, clip, judge.judge(clip))
    >>> cache.get_many(judge, [clip])[clip.name].words
    ['happy']
    """

    _connection: sqlite3.Connection | None

    def __init__(self, path: str | Path):
        self._start(user_path(path))
        self._connection = self._open()

    def _start(self, path: Path) -> None:
        """Everything but the connection: the lock guarding it, the memos of this process."""
        self.path = path
        self._lock = threading.RLock()
        self._connection = None  # opened by __init__, or at first use once unpickled
        self._closed = False
        self._digests: dict[tuple[str, int, int], str] = {}
        self._warned: set[str] = set()  # unreadable-video problems already warned about
        self._unreadable: dict[str, str] = {}  # video -> why it could not be hashed this run: never looked up nor stored

    def _open(self) -> sqlite3.Connection:
        """The checked connection to :attr:`path` (created if new), or a one-line error naming the fix."""
        if not self.path.parent.is_dir():
            raise InputError(f"{self.path}: folder {self.path.parent} does not exist; create it or pick another cache path")
        if self.path.is_dir():
            raise InputError(f"{self.path}: is a folder; give a cache file path, e.g. {self.path / 'verdicts.sqlite'}")
        _check_is_sqlite(self.path)
        return self._connect()

    @property
    def _conn(self) -> sqlite3.Connection:
        """The connection (use it under the lock), opened now if this cache was unpickled and not used yet."""
        if self._closed:
            raise InputError(f"{self.path}: this verdict cache was closed; open it again with VerdictCache({str(self.path)!r})")
        if self._connection is None:
            self._connection = self._open()
        return self._connection

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(str(self.path), timeout=60.0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:  # a new file in a read-only folder
            raise InputError(self._cannot_use(exc)) from None
        try:
            self._check_tables(conn)  # before anything writes to the file
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:  # new file; idempotent, so two processes creating it at once is harmless
                conn.executescript(f"{_SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};")
            elif version != SCHEMA_VERSION:
                raise InputError(f"{self.path}: verdict cache format {version}, expected {SCHEMA_VERSION}; delete it or use another cache path")
        except sqlite3.OperationalError as exc:  # a read-only file or folder, locked, disk full: not damage
            conn.close()
            raise InputError(self._cannot_use(exc)) from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise InputError(f"{self.path}: not a verdict cache ({exc}); delete it or use another cache path") from None
        except InputError:
            conn.close()
            raise
        return conn

    def _check_tables(self, conn: sqlite3.Connection) -> None:
        """Refuse another application's database, or our tables with other columns (reads only)."""
        found, ours = _table_columns(conn), _schema_columns()
        foreign = sorted(set(found) - set(ours))
        if foreign:
            raise InputError(f"{self.path}: a sqlite database of another application (it holds {listed(foreign)}); "
                             "left untouched; give a new file as the verdict cache")
        for name, columns in found.items():
            if columns != ours[name]:
                raise InputError(f"{self.path}: table {name!r} has columns ({', '.join(columns)}), not a verdict cache's; "
                                 "delete it or use another cache path")

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; a file damaged past its schema page is a one-line error, not a traceback."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.OperationalError as exc:  # read-only, locked, disk full: not damage
                raise InputError(self._cannot_use(exc)) from None
            except sqlite3.DatabaseError as exc:
                if type(exc) is not sqlite3.DatabaseError:  # constraint...: not damage
                    raise
                raise InputError(f"{self.path}: verdict cache is damaged ({exc}); delete it (its verdicts are "
                                 "recomputed) or use another cache path") from None

    def _cannot_use(self, exc: sqlite3.Error) -> str:
        return (f"{self.path}: cannot use the verdict cache ({exc}); make the file and its folder writable, free disk space, "
                "or give another cache path (nothing stored in it is lost)")

    def check_writable(self) -> None:
        """A one-line error now if verdicts cannot be stored (a read-only file or folder), not after a batch is judged."""
        with self._locked() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # a write, rolled back
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")

    # -- keys ---------------------------------------------------------------
    def judge_id(self, judge: Judge) -> str:
        """Hash of ``judge.cache_identity()``."""
        return self._identity(judge)[0]

    def _identity(self, judge: Judge) -> tuple[str, str]:
        identity = judge_identity(judge)
        try:
            return identity_hash(identity), json.dumps(identity, sort_keys=True, default=str)
        except TypeError as exc:
            raise InputError(f"judge {judge.name!r}: cache_identity() must hold only JSON values (str, numbers, lists, dicts): {exc}") from None

    def clip_key(self, clip: Clip) -> str:
        """The clip's name plus a hash of its video bytes and subtitle."""
        digest = None if clip.video is None else self.file_digest(clip.video)
        return clip_key(clip.name, digest, clip.subtitle)

    def digest_videos(self, clips: Sequence[Clip], progress: bool = False) -> None:
        """Hash the clips' videos not hashed yet, with a progress bar: a first run with a cache reads every video once.

        A video that cannot be read (gone since the run began, or not readable by this user) does not stop the run: it
        is warned about, and its clip is judged as without a cache (its judges' verdicts say why it failed) and not stored.
        """
        self._unreadable = {}
        videos = []
        for clip in clips:
            if clip.video is None:
                continue
            try:
                if self._memo_key(clip.video) not in self._digests:
                    videos.append(clip.video)
            except InputError as exc:
                self._unreadable[str(clip.video)] = str(exc)
        for video in tqdm(videos, desc="hashing videos", unit="video", disable=not progress or len(videos) < 2, leave=False):
            try:
                self.file_digest(video)
            except InputError as exc:
                self._unreadable[str(video)] = str(exc)
        unreadable = [problem for problem in self._unreadable.values() if problem not in self._warned]
        self._warned.update(unreadable)
        if unreadable:  # once per video: the Ray runner hashes before, and again through, the local runner
            warn_user(f"{len(unreadable)} clip(s) judged without the verdict cache, nothing of them stored: {unreadable[0]}")

    def file_digest(self, path: str | Path) -> str:
        """sha256 of a file, read again only when its (path, size, mtime) changed."""
        memo_key = self._memo_key(path)
        resolved = memo_key[0]
        if memo_key in self._digests:
            return self._digests[memo_key]
        stored = (path_text(resolved), *memo_key[1:])  # a file name that is not UTF-8 is stored escaped: SQLite takes UTF-8 only
        with self._locked():
            row = self._conn.execute(
                "SELECT sha256 FROM file_digests WHERE path = ? AND size = ? AND mtime_ns = ?", stored
            ).fetchone()
        if row is None:
            try:
                digest = sha256_file(resolved)
            except OSError as exc:  # stat() worked, reading does not: mode 600 and another owner, a dead network share
                raise InputError(f"{path}: cannot read the video ({exc.strerror or exc}); check you may read it (its permissions)") from None
            with self._locked():
                self._conn.execute("INSERT OR REPLACE INTO file_digests VALUES (?, ?, ?, ?)", (*stored, digest))
        else:
            digest = row[0]
        self._digests[memo_key] = digest
        return digest

    @staticmethod
    def _memo_key(path: str | Path) -> tuple[str, int, int]:
        """(resolved path, size, mtime): a file's digest is reused while these stay the same."""
        try:
            resolved = str(Path(path).resolve())
            st = os.stat(resolved)
        except OSError:
            raise InputError(f"{path}: video file is missing or unreadable; check the clip's path") from None
        return resolved, st.st_size, st.st_mtime_ns

    # -- verdicts -----------------------------------------------------------
    def _key_if_readable(self, clip: Clip) -> str | None:
        """The clip's cache key, or None if its video cannot be read, or could not when this run hashed the videos (its
        verdict says it failed to read it, even if the file is back by the time it is stored): such a clip is neither
        looked up nor stored."""
        if clip.video is not None and str(clip.video) in self._unreadable:
            return None
        try:
            return self.clip_key(clip)
        except InputError:
            return None

    def get_many(self, judge: Judge, clips: Iterable[Clip], retry_failed: bool = False) -> dict[str, Verdict]:
        """Stored verdicts of ``judge`` for ``clips``, by clip name (failed ones left out if ``retry_failed``; a
        clip whose video cannot be read is never found).

        A verdict read from a model's answer by an older answer parser is read again from that answer
        (:func:`~judges.answers_read_again.read_again`) and stored so; one it cannot serve so is not found, and asked again.
        """
        judge_id = self.judge_id(judge)
        by_key = {key: clip for clip in clips if (key := self._key_if_readable(clip)) is not None}
        keys = list(by_key)
        found: dict[str, Verdict] = {}
        read: list[tuple[Clip, Verdict]] = []  # verdicts read again: stored back, so the next run need not
        with self._locked():
            for start in range(0, len(keys), _QUERY_CHUNK):
                chunk = keys[start : start + _QUERY_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT clip_key, verdict FROM verdicts WHERE judge_id = ? AND clip_key IN ({marks})",
                    (judge_id, *chunk),
                ).fetchall()
                for key, text in rows:
                    clip = by_key[key]
                    stored = _stored_verdict(text, clip.name)
                    verdict = None if stored is None else read_again(stored)  # a damaged row is judged again and replaced
                    if verdict is None or (retry_failed and not verdict.ok):
                        continue
                    found[clip.name] = verdict
                    if verdict is not stored:
                        read.append((clip, verdict))
        if read:
            try:
                self.put_many(judge, [clip for clip, _ in read], [verdict for _, verdict in read])
            except InputError:
                pass  # a cache that cannot be written (read-only): the verdicts are read again next time too
        return found

    def put(self, judge: Judge, clip: Clip, verdict: Verdict) -> None:
        """Store one verdict, committed before returning."""
        self.put_many(judge, [clip], [verdict])

    def put_many(self, judge: Judge, clips: Sequence[Clip], verdicts: Sequence[Verdict], texts: Sequence[str] | None = None) -> None:
        """Store one verdict per clip (same order) in one committed transaction; a transient failure (a server
        down, a timeout) is not stored, so the next run asks again, nor is a clip whose video cannot be read.

        ``texts`` are the verdicts' :meth:`Verdict.to_json`, when already made (the runner makes them checking the
        verdicts can be stored); by default they are made here.
        """
        if len(clips) != len(verdicts) or (texts is not None and len(texts) != len(verdicts)):
            given = "" if texts is None else f" and {len(texts)} texts"
            raise ValueError(f"put_many: {len(clips)} clips but {len(verdicts)} verdicts{given}")
        made: Sequence[str | None] = [None] * len(verdicts) if texts is None else texts
        judge_id, identity = self._identity(judge)
        now = time.time()
        rows = [
            (judge_id, key, judge.name, clip.name, int(v.ok), v.to_json() if text is None else text, now)
            for clip, v, text in zip(clips, verdicts, made)
            if (v.ok or not v.transient) and (key := self._key_if_readable(clip)) is not None
        ]
        if not rows:
            return
        with self._locked():
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute("INSERT OR IGNORE INTO judge_identities VALUES (?, ?, ?)", (judge_id, judge.name, identity))
                self._conn.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                self._conn.execute("COMMIT")
            except BaseException:  # Ctrl-C included: leave no transaction open
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def stats(self) -> dict[str, Any]:
        """Counts: verdicts, failed, per judge name (and how many identities), hashed files."""
        with self._locked():
            per_judge = self._conn.execute(
                "SELECT judge, COUNT(*), SUM(1 - ok), COUNT(DISTINCT judge_id) FROM verdicts GROUP BY judge ORDER BY judge"
            ).fetchall()
            files = self._conn.execute("SELECT COUNT(*) FROM file_digests").fetchone()[0]
        judges = {name: {"verdicts": n, "failed": failed, "identities": ids} for name, n, failed, ids in per_judge}
        return {
            "path": str(self.path),
            "verdicts": sum(j["verdicts"] for j in judges.values()),
            "failed": sum(j["failed"] for j in judges.values()),
            "judges": judges,
            "hashed_files": files,
        }

    def __reduce__(self) -> tuple[Callable[[type[VerdictCache], Path], VerdictCache], tuple[type[VerdictCache], Path]]:
        """Pickled as its absolute path (its connection and lock cannot be), so a pickled ``CoJudge`` given an open cache
        (``cache=VerdictCache(...)``) pickles. Unpickled, it opens that file at its first use, as each process opens its
        own: unpickling creates no file, in another folder or on another machine too, and an unused copy never does. An
        in-memory cache (``':memory:'``) unpickles empty, as a new one."""
        memory = str(self.path) == ":memory:"
        return (_unpickled, (type(self), self.path if memory else self.path.absolute()))

    def close(self) -> None:
        """Close the database file; the cache is not usable after."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._closed = True

    def __enter__(self) -> "VerdictCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VerdictCache({str(self.path)!r})"


def _unpickled(cls: type[VerdictCache], path: Path) -> VerdictCache:
    """A pickled cache again, its file not opened until it is used (:meth:`VerdictCache.__reduce__`)."""
    cache = cls.__new__(cls)
    cache._start(path)
    return cache
