"""A live judge behind any OpenAI-compatible chat endpoint: ``lmdeploy serve api_server``, vLLM, hosted APIs.

The instruction (with the subtitle) is the message's one text part, first, then
the frames as base64 ``image_url`` data URLs, and audio as a base64
WAV ``input_audio`` part (when the judge's ``modalities`` include audio). Requests run on a bounded thread pool; a
connection error, timeout, 408, 409, 429 or 5xx (the statuses OpenAI's own client retries) is retried with exponential
backoff (or the longer wait its ``retry-after-ms`` or ``Retry-After`` asks for), and so is a body that is no chat completion;
another 4xx is not (but a 400 asking for ``max_completion_tokens`` instead of ``max_tokens`` is asked again so); an
``x-should-retry`` header (OpenAI's) decides first, as in openai-python: ``false`` is not retried, ``true`` is. After
a 4xx refusing one of the judge's settings (or a 404: no such model; or a 400 capping the images a request below
``num_frames``: both not cached), or a 401 refusing its API key (not cached, as a 403), or a redirect (not followed,
not cached: its error names the ``base_url`` to give), its later requests sent the same are not sent. A 413 (a proxy's
body limit) is not cached either, nor stops a later clip. Once ``max_unreachable`` (3) requests in a row could not
reach the server at all, after their retries, or got the same failure at every try (which: :class:`OpenAIJudge`), the
judge's other clips fail at once, not cached (one request is let through 30 s after the last miss, to find the server
back); a server that has not answered the judge yet and refuses connections (one still loading its model) is given
``startup_wait`` (300) seconds first, a warning saying so once. Standard library only (``urllib``).
"""
from __future__ import annotations

import base64
import copy
import email.utils
import errno
import hashlib
import http.client
import json
import math
import os
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from judges import prompts
from judges.answer_parsing import readable_answer, verdict_from_answer
from judges.answers_read_again import parser_identity
from judges.base import MODALITIES, Judge
from judges.clip import Clip
from judges.daemon_threads import map_on_daemon_threads
from judges.errors import InputError, snippet
from judges.media import MediaSpec, encode_image, encode_wav, require_media
from judges.option_values import check_numbers, is_number, is_whole_number
from judges.registry import register_judge
from judges.user_warnings import warn_user, with_call_site
from judges.verdict import Verdict

__all__ = ["OpenAIJudge", "SERVER_TEMPERATURE"]

MODES = ("labels", "describe")
# the temperature option's value (a config's; None in Python) for a request with no temperature: the server's default
SERVER_TEMPERATURE = "server"
_SNIPPET = 200  # characters of a server's reply an error quotes: its message, past the JSON around it
# finish_reason values saying the text is no answer: OpenAI's "content_filter", LMDeploy's "error" and "abort"
# (lmdeploy/serve/openai/protocol.py, lmdeploy/serve/core/async_engine.py's GenOut), which vLLM's v1 engine sends too
# (vllm/v1/engine/__init__.py's FINISH_REASON_STRINGS), as SGLang does "abort"
_NO_ANSWER = {"content_filter": "the server's content filter withheld it", "error": "the server failed to generate it",
              "abort": "the server cancelled it"}
# of those, the server's failures, not the model's answer on the clip, not cached: "error" comes of the server's state or
# settings (an engine fault, a prompt past its session_len), no part of the cache identity, as a 5xx does; "abort" too
_NOT_CACHED = {"error", "abort"}
# request fields the judge sets itself, which extra_body may not: how to set each instead
_OWN_FIELDS = {"model": "use the model option", "messages": "the judge writes them from the clip",
               "temperature": f"use the temperature option ({SERVER_TEMPERATURE!r} sends none)", "max_tokens": "use the max_tokens option",
               "max_completion_tokens": "use the max_tokens option (sent as max_completion_tokens to a server that asks for it)"}
# of those, the ones a 4xx may name as its cause (its param) that are the judge's settings, the same for every clip
_SETTING_FIELDS = _OWN_FIELDS.keys() - {"messages"}
# how a failure the server's state made (not the clip) says it is not stored: the next run with a cache asks again
_ASKED_AGAIN = "not cached, so the next run (with --cache) asks again"
_ASK_AGAIN_AFTER = 30.0  # seconds after a server was last found unreachable that a judge which gave it up tries it once more
# the 4xx statuses retried as a 5xx is, as openai-python's client retries them (_base_client.py's _should_retry): a
# request timeout (408, a proxy's or gateway's), a lock timeout (409, OpenAI's) and a rate limit (429); not cached
_RETRIED = frozenset({408, 409, 429})
# the longest wait a server may ask for (Retry-After) before a retry, as openai-python's client honours "delays up to two
# minutes" (_base_client.py's MAX_RETRY_AFTER_DELAY); one asking for longer is not retried, as there: a quota for the
# hour or the day, which a retry or two on every clip would not end
_LONGEST_WAIT = 120.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Follows no redirect, which then comes as its ``HTTPError``: urllib sends a POST redirected by a 301, 302 or 303
    again as a GET without its body (the new address answers a 405 or 404 that names the old one), and raises a 307 or
    308 to a POST as it came. Either way the fix is ``base_url``, so the judge says which address to give."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


class _RequestFailed(Exception):
    """A request that failed (after retries, or a 4xx): the message goes into the verdict. ``transient``: the
    server's state or settings failed it, not the clip (unreachable, slow, overloaded, an engine error, a prompt past its
    context length): not cached, so the next run asks again. ``wants_max_completion_tokens``:
    a 400 saying to send ``max_completion_tokens`` instead of ``max_tokens`` (OpenAI's reasoning models)."""

    def __init__(self, message: str, transient: bool = False, wants_max_completion_tokens: bool = False):
        super().__init__(message)
        self.transient = transient
        self.wants_max_completion_tokens = wants_max_completion_tokens


class _Reachability:
    """How many requests in a row could not reach the server (after their retries), or failed every try with the same
    server failure (a 408, 409 or 5xx: a proxy's 502 for a server down behind it, :func:`_failing`; a 200 that is no
    chat completion; or no answer within the timeout): one judge's, shared by its request threads, so it is counted
    under a lock. A miss of another kind than the last (unreachable, another status, a timeout; but any 5xx after a
    5xx, a proxy's 502s and 504s for one server down, as ``"HTTP 5xx"``) starts the count again at 1. When the count
    reaches ``limit`` with a miss the server answered (a status, a 200 that is no chat completion), the next request,
    another clip's, is let through at once before any is refused: a server failing some clips only (a 500 to each clip
    of one source video, side by side in the run) answers it, and the run goes on; one down costs that request more.

    A request answered otherwise (an answer, an HTTP error not counted, a slow answer within the timeout) sets the count
    back to 0. Once the count reaches ``limit`` requests are refused, but for one every ``_ASK_AGAIN_AFTER`` seconds: a
    server back up is found again, by the run under way or by a later one of the same judge (kept in a notebook, a ``CoJudge``). Until a
    request has once reached the server, refused connections refuse nothing for ``startup_wait`` seconds after the first
    miss: a server still loading its model refuses connections for a minute or two, and is waited for with each
    request's retries; one never reached (a wrong port) is given up then. A name not resolved, no route or a connect
    timeout is no loading server's (a wrong host, a host that drops packets): it counts at once.
    """

    def __init__(self, limit: int, startup_wait: float) -> None:
        self.limit = limit
        self.startup_wait = startup_wait
        self.lock = threading.Lock()
        self.missed = 0
        self.problem = ""  # the last request's reason, e.g. "[Errno 111] Connection refused"
        self.kind = ""  # the last miss's kind: "unreachable", "timeout", or the HTTP status every try got ("HTTP 502")
        self.last_try = 0.0  # time.monotonic() when a request last missed the server, or was let through to try it
        self.answered = False  # a request has reached the server once: from then on a miss counts at once
        self.first_miss: float | None = None  # time.monotonic() of the first miss, while none has reached it
        self.refused = False  # the last miss was a refused connection, as a server loading its model gives
        self.warned = False  # the user was told the judge waits for a server that refuses connections (once per judge)

    def reached(self, failing: bool = False) -> None:
        """A request's try reached the server; ``failing``: to get the server's failure (a 5xx, a timeout: a miss, if every
        try gets it), which sets no count back."""
        with self.lock:
            if not failing:
                self.missed = 0
            self.answered = True

    def miss(self, problem: str, refused: bool, kind: str = "unreachable") -> None:
        with self.lock:
            # 5xx of different statuses are one server down: a proxy's 502 (connection refused behind it), 503, 504
            server_error = kind.startswith("HTTP 5") and self.kind.startswith("HTTP 5")
            same = bool(self.missed) and (kind == self.kind or server_error)
            self.missed = self.missed + 1 if same else 1
            self.kind = "HTTP 5xx" if same and kind != self.kind else kind
            self.problem = problem
            self.refused = refused
            self.last_try = time.monotonic()
            if self.first_miss is None:
                self.first_miss = self.last_try
            if self.missed == self.limit and self.kind not in ("unreachable", "timeout"):
                # the server answered each (a 5xx, a page): maybe those clips' failures (vLLM's 500 on one source's frames,
                # its clips side by side), not the server's; one more request, another clip's, is let through at once
                self.last_try -= _ASK_AGAIN_AFTER

    def first_refusal(self) -> bool:
        """Whether a refused connection is the first of a server never reached that is waited for (``startup_wait`` > 0):
        True once, for one request thread only, so the judge says so in one line, not once per clip, batch or thread."""
        with self.lock:
            if self.answered or self.warned or not self.startup_wait:
                return False
            self.warned = True
            return True

    def refusal(self, claim: bool = True) -> tuple[int, str, bool, bool, str] | None:
        """``(requests missed in a row, the last one's reason, whether the server ever answered, whether the last miss
        was a refused connection, its kind)`` if a request is not to be sent, else None: the server not given up (never answered,
        refusing connections, and ``startup_wait`` not over since the first miss), or given up long enough ago to try it
        again (``claim``: this request is that try)."""
        with self.lock:
            now = time.monotonic()
            if not self._gave_up(now):
                return None
            if now - self.last_try >= _ASK_AGAIN_AFTER:
                if claim:
                    self.last_try = now
                return None
            return self.missed, self.problem, self.answered, self.refused, self.kind

    def given_up(self) -> bool:
        """Whether the server is given up (:meth:`refusal`), though the request that tries it again may be due."""
        with self.lock:
            return self._gave_up(time.monotonic())

    def _gave_up(self, now: float) -> bool:
        """``limit`` misses in a row, and the server once answered, or the last miss no refused connection, or
        ``startup_wait`` over since the first miss (under the lock)."""
        return self.missed >= self.limit and (self.answered or not self.refused
                                              or now - (self.first_miss or now) >= self.startup_wait)


class _ServerBusy(Exception):
    """A response with status 200 whose body is an error object (some servers report overload or a failed
    generation so): retried, as a 5xx is."""


class _NotAnAnswer(Exception):
    """A response with status 200 whose body is not a chat completion (cut off, garbled, a proxy's HTML page): the
    transport's fault, not the model's answer on the clip, so retried, as a 5xx is, and never cached."""


@register_judge("openai")
class OpenAIJudge(Judge):
    """Judges clips through an OpenAI-compatible ``/chat/completions`` endpoint.

    ``mode="labels"`` asks for emotion words directly; ``mode="describe"``
    asks for a clue description (stage one of a two-stage judge).
    :meth:`extract` is the text-only stage two: description + subtitle ->
    emotion words. ``api_key`` is given, or read from the environment variable
    named by ``api_key_env`` (and read again where a pickled copy, a Ray
    actor's, runs: such a key is no part of the pickle); a local server needs
    none. A clip that fails
    (unreadable video, server error after retries, unparseable answer) gets a
    verdict with ``error``. Once ``max_unreachable`` requests in a row could
    not reach the server (connection refused, name not resolved, connect
    timeout), each after its retries, or failed every try with the same 408
    or 409, or a 5xx (a proxy's 502s or 504s for a server down behind it; not a plain 429, a
    rate limit; or a 200 that is no chat completion, a web page at the wrong
    port), or had no answer within ``timeout`` at any try (a hung server),
    the judge stops asking: a server down mid-run would cost every remaining clip
    all its retries and backoff. Its other clips fail at once with an error
    saying so, not cached (the next run asks them again). A request that
    reaches the server again sets the count back to 0: one under way, or the
    one let through 30 s after the last miss (a server back up resumes a run
    still going then; a judge kept in a notebook asks again 30 s after the
    last miss, not sooner). Refused connections stop nothing until a request
    has once reached the server, for ``startup_wait`` seconds after the first
    miss: a server still loading its model when the run starts is asked with
    each clip's retries meanwhile, a warning saying so at its first refused
    connection (once per judge, none with ``startup_wait=0``); one never reached
    (a wrong port in ``base_url``) is given up then, its error saying to check
    the URL. A name not resolved, no route or a connect timeout (a wrong host, a
    host that drops packets) is no loading server's: it counts at once, as mid-run.

    ``temperature`` is sent with every request (default 0); ``None``, or
    ``"server"`` in a config, sends none, so the server uses its model's
    default: for a model that refuses the field (OpenAI's o-series) or takes
    only its default value. The cache identity names it (``"server"``).

    A 4xx refusing one of the judge's settings, not the clip (its ``param``,
    or the field LMDeploy's message names, a field sent the same in every
    request: ``temperature``, the token limit, ``model``, an ``extra_body``
    field; or a 404, no such model or path, which names none; not a prompt
    past the server's context length, which the clip's size makes), would be every
    clip's answer: a hosted API's user would pay for each refusal. Once one
    arrives, the judge's later requests with the same settings are not sent
    (those in flight then are the server's answers): their clips fail at
    once with the refusal, saying it was on an earlier clip. The refusal
    itself is cached, as other 4xx (the settings are in the cache identity,
    so the rerun after changing them asks again), but for a 404: the models
    a server serves are its state (a proxy whose nodes still load answers
    one), no part of the cache identity; the clips not asked are
    not, the server never having answered them: a rerun with the settings
    unchanged asks one more clip (a server fixed since, say one restarted
    with other options, answers it and the rest), a rerun with them changed
    asks every clip anyway.

    A 401 or 403 is mostly the account's state, not the clip's answer: a
    wrong or missing key, or (a 403) a model the account may not use. It is
    not cached (the key is no part of the cache identity: a cached 401 would
    be replayed to the rerun with the right key), and its error says which
    key was sent (``api_key``, or the environment variable ``api_key_env``
    names, and whether that was set) and what to check. A 401, as a refused
    setting, stops the judge's later requests with the same key, URL and
    settings: their clips fail at once, not cached either. A 403 does not:
    it may refuse one clip's content (OpenRouter's moderation sends one), and
    the clips after it are asked.

    >>> judge = OpenAIJudge(model="internvl2_5-8b", base_url="http://127.0.0.1:23333/v1")  # doctest: +SKIP
    >>> judge.judge(Clip.from_path("clip.mp4", subtitle="I did it!")).words  # doctest: +SKIP
    ['happy', 'proud']
    """

    concurrency = "thread"

    def __init__(
        self,
        model: str,
        base_url: str = "http://127.0.0.1:23333/v1",
        name: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = "OPENAI_API_KEY",
        mode: str = "labels",
        modalities: Iterable[str] = ("video", "text"),
        num_frames: int = 8,
        max_side: int | None = 448,
        max_concurrency: int = 4,
        timeout: float = 120.0,
        max_retries: int = 3,
        backoff: float = 1.0,
        max_unreachable: int = 3,
        startup_wait: float = 300.0,
        temperature: float | str | None = 0.0,
        max_tokens: int | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ):
        if mode not in MODES:
            raise InputError(f"mode={mode!r}: use one of {', '.join(MODES)}")
        if not str(base_url).startswith(("http://", "https://")):
            raise InputError(f"base_url={base_url!r}: give the server's URL, e.g. http://127.0.0.1:23333/v1")
        mods = frozenset(modalities)
        if not mods or not mods <= MODALITIES:
            raise InputError(f"modalities={sorted(mods)}: choose from {', '.join(sorted(MODALITIES))}")
        if mode == "describe" and not mods & {"video", "audio"}:  # it would describe a clip it was never sent
            raise InputError(f"mode='describe' needs 'video' or 'audio' in modalities (given: {sorted(mods)}); a text-only judge can be the extractor")
        if not is_whole_number(max_concurrency) or max_concurrency < 1:
            raise InputError(f"max_concurrency={max_concurrency!r}: give a whole number >= 1")
        if not is_whole_number(max_retries) or max_retries < 0:
            raise InputError(f"max_retries={max_retries!r}: give a whole number >= 0")
        if not is_whole_number(max_unreachable) or max_unreachable < 1:
            raise InputError(f"max_unreachable={max_unreachable!r}: give the whole number (>= 1) of requests in a row that "
                             "cannot reach the server (or fail every try with the same 408 or 409, or a 5xx, or time "
                             "out) before the judge stops asking it")
        check_numbers(backoff=backoff, timeout=timeout, startup_wait=startup_wait)
        if isinstance(temperature, str) and temperature == SERVER_TEMPERATURE:
            temperature = None
        if temperature is not None and not is_number(temperature):
            raise InputError(f"temperature={temperature!r}: give a finite number (unquoted in a config), or "
                             f"{SERVER_TEMPERATURE!r} (None in Python) to send none and let the server use its model's default")
        if not startup_wait >= 0:
            raise InputError(f"startup_wait={startup_wait!r}: give the seconds, >= 0, a server that has not answered yet (still "
                             "loading its model) is asked before the judge gives it up")
        if not backoff >= 0:
            raise InputError(f"backoff={backoff!r}: give the first retry's wait in seconds, >= 0")
        if not timeout > 0:
            raise InputError(f"timeout={timeout!r}: give a positive number of seconds")
        if extra_body is not None and not isinstance(extra_body, Mapping):
            raise InputError(f"extra_body={extra_body!r}: give a table of request fields to add, e.g. {{top_p = 0.9}}")
        try:  # sent as JSON with every request, and part of the cache identity
            json.dumps(dict(extra_body or {}), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InputError(f"extra_body={extra_body!r}: not JSON ({exc}); give plain numbers, strings, booleans, lists and "
                             "tables (float(x) for a NumPy number)") from None
        if taken := sorted(_OWN_FIELDS.keys() & (extra_body or {}).keys()):
            raise InputError(f"extra_body sets {', '.join(map(repr, taken))}, which the judge sets itself (it would replace "
                             f"the value in every request): {'; '.join(_OWN_FIELDS[field] for field in taken)}")
        if max_tokens is not None and (not is_whole_number(max_tokens) or max_tokens < 1):
            raise InputError(f"max_tokens={max_tokens!r}: give a whole number >= 1, or leave it out (64 for words, 512 for a description)")
        self.model = model
        self.base_url = str(base_url).rstrip("/")
        self.name = name or model
        self.mode = mode
        self.modalities = mods
        self.media_spec = MediaSpec(
            num_frames=num_frames if "video" in mods else 0,
            sample_rate=16000 if "audio" in mods else None,
            max_side=max_side,
        )
        if self._sends_media:
            require_media(self.name)
        self.max_concurrency = int(max_concurrency)
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.backoff = float(backoff)
        # np.float32(0.2) as 0.2: the request and the cache identity are JSON; None: no temperature sent
        self.temperature = None if temperature is None else float(temperature)
        self.max_tokens = int(max_tokens or (64 if mode == "labels" else 512))
        # the body field that carries max_tokens: "max_tokens", which vLLM, LMDeploy and Ollama read, until a server
        # refuses it asking for "max_completion_tokens" (OpenAI's o-series and gpt-5 models); the same limit either way
        self._token_limit_field = "max_tokens"
        # the last request a server refused for one of its settings or its API key: what was sent (:meth:`_sent_as`, as
        # JSON: a copy, not extra_body's own nested tables, which a notebook may edit in place), its error, and what was
        # refused ("settings" or "API key"); later requests sent the same are not sent
        self._refused: tuple[str, str, str] | None = None
        self.extra_body = dict(extra_body or {})
        self.api_key_env = api_key_env
        # a key given as api_key travels with a pickled copy (nowhere else to read it); one read from api_key_env does not
        self._key_given = bool(api_key)
        self._take_key(api_key, copy=False)
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._reachability = _Reachability(int(max_unreachable), float(startup_wait))

    def _take_key(self, api_key: str | None, copy: bool) -> None:
        """Set the key the judge sends, ``api_key`` or else the environment variable ``api_key_env`` names, read now, and
        what a 401 or 403 says of it, what to check (never the key itself); ``copy``: read where a pickled copy runs."""
        env = self.api_key_env
        from_env = os.environ.get(env) if env else None
        self._api_key = api_key or from_env
        where = "where this copy of the judge runs" if copy else "when it was built"
        if api_key:
            self._key_source = "the judge sent its api_key option: check it"
        elif from_env:
            check = f", read {where}: check its value there" if copy else ": check its value"
            self._key_source = f"the judge sent the environment variable {env} (api_key_env){check}"
        elif env:
            state = "being empty" if from_env is not None else "not being set"
            fix = "set it, or give api_key"
            if copy:
                where += " (a pickled copy, a Ray worker's, reads it there, not where the judge was built)"
                fix = "set it there (on a Ray cluster, ray.init's runtime_env={'env_vars': {...}}), or give api_key"
            self._key_source = f"the judge sent no key, the environment variable {env} (api_key_env) {state} {where}: {fix}"
        else:
            self._key_source = ("the judge sent no key, having neither api_key nor api_key_env: give api_key, or api_key_env "
                                "naming the environment variable that holds it")

    def __getstate__(self) -> dict[str, Any]:
        """The judge as a copy for another process (a Ray actor): its locks stay here, and the copy starts with the
        server not yet missed (it counts its own requests) nor warned about (its wait for a server refusing connections
        starts afresh, and it says so once itself); settings or a key the server refused stay so, their requests unsent.
        A key read from ``api_key_env`` is left out (the pickle sits in Ray's object store, which may spill it to disk): the
        copy reads the variable again where it runs; one given as ``api_key`` travels, having nowhere else to be read. A copy
        in this process (``copy.copy``, ``copy.deepcopy``) keeps the key (:meth:`__copy__`)."""
        state = self.__dict__.copy()
        if not self._key_given:
            state["_api_key"] = state["_key_source"] = None
        reachability: _Reachability = state.pop("_reachability")
        del state["_slots"]
        state["_reachability_settings"] = (reachability.limit, reachability.startup_wait)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        limit, startup_wait = state.pop("_reachability_settings")
        self.__dict__.update(state)
        if self._key_source is None:  # left out of the pickle: read where this copy runs
            self._take_key(None, copy=True)
        self._slots = threading.BoundedSemaphore(self.max_concurrency)
        self._reachability = _Reachability(limit, startup_wait)

    def __copy__(self) -> OpenAIJudge:
        """A copy in this process (``copy.copy``), as a pickled one (its own slots, its own count of misses) but keeping the
        key this judge holds: no other process to read the variable in, where it may have been unset or changed since."""
        return self._copy_with_key(self.__getstate__())

    def __deepcopy__(self, memo: dict[int, Any]) -> OpenAIJudge:
        """:meth:`__copy__`, its tables (``extra_body``) copied too."""
        return self._copy_with_key(copy.deepcopy(self.__getstate__(), memo))

    def _copy_with_key(self, state: dict[str, Any]) -> OpenAIJudge:
        """A judge built from ``state`` (:meth:`__getstate__`'s) holding this judge's key and what a 401 says of it."""
        copied = type(self).__new__(type(self))
        copied.__setstate__({**state, "_api_key": self._api_key, "_key_source": self._key_source})
        return copied

    # -- prompts and messages -------------------------------------------------

    @property
    def _sends_media(self) -> bool:
        """Whether the judge's requests carry the clip's frames or audio (``modalities`` with ``"video"`` or ``"audio"``)."""
        return bool(self.media_spec.num_frames or self.media_spec.sample_rate)

    def instruction(self, clip: Clip) -> str:
        """The task text for ``clip``: describe, or name the emotions (with the subtitle if text is a modality)."""
        if self.mode == "describe":
            return prompts.DESCRIBE_VIDEO if "video" in self.modalities or "audio" not in self.modalities else prompts.DESCRIBE_AUDIO
        subtitle = clip.subtitle if "text" in self.modalities else None
        return prompts.render(prompts.DIRECT_LABELS, subtitle=subtitle)

    def content_for(self, clip: Clip) -> list[dict[str, Any]]:
        """The user message's parts: the instruction, its one text part, then an image per frame, then the audio.

        One text part, first: LMDeploy's api_server reads only a message's first text part (its vision models'
        ``proc_messages`` take ``content[0]`` of the text parts, and put the images before it), and vLLM, for a chat
        template taking plain text, joins the text parts after the images' placeholders; ``FrameN:`` labels between the
        images would be LMDeploy's whole question, or trail the instruction in vLLM's prompt.
        """
        parts: list[dict[str, Any]] = [{"type": "text", "text": self.instruction(clip)}]
        if self._sends_media:
            if clip.video is None:
                raise InputError(f"{clip.name}: no video file; this judge needs the clip's media")
            media = self.media_spec.decode(clip.video)
            if "video" in self.modalities:
                if not media.frames:
                    raise InputError(f"{clip.video}: no video stream; a vision judge needs frames")
                for frame in media.frames:
                    url = "data:image/jpeg;base64," + base64.b64encode(encode_image(frame)).decode("ascii")
                    parts.append({"type": "image_url", "image_url": {"url": url}})
            if "audio" in self.modalities:
                if media.audio is None or media.audio.size == 0:
                    raise InputError(f"{clip.video}: no audio stream; an audio judge needs a clip with sound")
                wav = base64.b64encode(encode_wav(media.audio, media.sample_rate)).decode("ascii")
                parts.append({"type": "input_audio", "input_audio": {"data": wav, "format": "wav"}})
        return parts

    # -- judging --------------------------------------------------------------

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        verdicts: list[Verdict] = []
        while len(clips) - len(verdicts) > 1 and self._reachability.given_up():
            # only the request that tries the given-up server again is sent: that clip alone, the rest once it answers
            verdicts.append(self._judge_one(clips[len(verdicts)]))
        clips = clips[len(verdicts):]
        if len(clips) <= 1:
            return verdicts + [self._judge_one(clip) for clip in clips]
        # daemon threads: a batch the runner gave up on (batch_timeout) must not hold the program's exit
        return verdicts + map_on_daemon_threads(with_call_site(self._judge_one), clips, workers=self.max_concurrency,
                                                name=f"openai-{self.name}")  # its warnings (a truncated video): the run's line

    def _judge_one(self, clip: Clip) -> Verdict:
        start = time.perf_counter()
        try:
            self._refuse_if_unreachable(claim=False)  # before decoding the clip's frames for a request that will not be sent
            self._refuse_if_refused_before(self._settings_fields(self._token_limit_field), self._sends_media)
            text, cut = self._complete(self.content_for(clip))
        except (InputError, _RequestFailed) as exc:
            return Verdict.failed(self.name, clip.name, str(exc), seconds=time.perf_counter() - start,
                                  transient=getattr(exc, "transient", False))
        return verdict_from_answer(self.name, clip.name, text, self.mode, time.perf_counter() - start, f"max_tokens={self.max_tokens}", cut)

    def extract(self, description: str | None, subtitle: str | None = None, clip: str = "") -> Verdict:
        """Stage two, text only: the emotion words in a clue description combined with the subtitle."""
        start = time.perf_counter()
        prompt = prompts.render(prompts.EXTRACT_LABELS, description=description or "", subtitle=subtitle)
        try:
            text, cut = self._complete([{"type": "text", "text": prompt}])
        except _RequestFailed as exc:
            return Verdict.failed(self.name, clip, str(exc), seconds=time.perf_counter() - start, transient=exc.transient)
        verdict = verdict_from_answer(self.name, clip, text, "labels", time.perf_counter() - start, f"max_tokens={self.max_tokens}", cut)
        if readable_answer(text, cut, labels=True) is not None:  # none on the failure of an answer cut off before any word
            verdict.description = description
        return verdict

    # -- HTTP -----------------------------------------------------------------

    def chat(self, content: list[dict[str, Any]]) -> str:
        """One chat completion for a user message of ``content`` parts; its text, or :class:`_RequestFailed`."""
        return self._complete(content)[0]

    def unreachable_error(self) -> str | None:
        """The error a request would fail with now, unsent, its server having been unreachable for ``max_unreachable``
        requests in a row; None if it would be sent. A two-stage judge asks it before its describer works for nothing."""
        refusal = self._reachability.refusal(claim=False)
        return None if refusal is None else self._unreachable_error(*refusal)

    def refused_error(self) -> str | None:
        """The error a text-only request (:meth:`extract`'s) would fail with now, unsent, the server having refused one sent
        the same (its settings, or its API key: a 4xx naming a setting, a 404, a 401) on an earlier clip; None if it would be
        sent (a cap on the images a request refuses only requests carrying the frames). A two-stage judge asks it, as
        :meth:`unreachable_error`, before its describer works for nothing."""
        return self._refused_error(self._settings_fields(self._token_limit_field), media=False)

    def server_given_up(self) -> bool:
        """Whether the judge has given its server up (:meth:`unreachable_error`), though the one request that tries it
        again may be due now (:meth:`unreachable_error` None): a two-stage judge then describes one clip for that
        request, not a batch whose other extracts would not be asked."""
        return self._reachability.given_up()

    def _warn_waiting(self, reason: str) -> None:
        """Say, once, that the server refuses connections and is waited for: else a wrong port looks like a run that
        hangs, its progress bar still for ``startup_wait`` seconds."""
        warn_user(f"judge {self.name!r}: the server at {self.base_url} refuses connections ({reason}); waiting up to "
                  f"{self._reachability.startup_wait:g} s for it to start (a server loading its model) before giving it up; "
                  "if the address is wrong, check base_url and its port (startup_wait = 0 gives up without waiting)")

    def _unreachable_error(self, missed: int, problem: str, answered: bool, refused: bool, kind: str = "unreachable") -> str:
        head = f"not asked: the server at {self.base_url} has been unreachable for {missed} requests in a row ({problem})"
        if kind == "timeout":  # every try of each timed out: a server that hangs (or is slower than the timeout)
            head = (f"not asked: the server at {self.base_url} answered none of the judge's last {missed} requests in a row "
                    f"within timeout={self.timeout:g} s, at any try")
            fix = "rerun once the server answers again (or, if it is only slow, with a longer timeout)"
        elif kind != "unreachable":  # every try of each failed with this status: the server's state, not the clips'
            head = (f"not asked: the server at {self.base_url} failed the judge's last {missed} requests in a row with {kind}, "
                    f"each at every try{f' ({problem})' if problem else ''}")  # a proxy's 502 may have no body
            fix = "rerun once the server answers again (its log, or its proxy's, says why it failed)"
        elif answered:
            fix = "start the server and rerun"
        elif refused:  # never reached: a wrong port, or a server slower to load than startup_wait
            wait = self._reachability.startup_wait
            head += f" and has not answered once{f' in the {wait:g} s since the judge first missed it' if wait else ''}"
            fix = ("check that base_url is the server's URL and that the server is running, and rerun (for one loading its model "
                   f"{'for longer, raise' if wait else 'first, give it time with'} startup_wait)")
        else:  # never reached, and not refused as by a loading server: a wrong host, or one that drops packets
            head += " and has not answered once"
            fix = "check that base_url is the server's URL and that the server is running, and rerun"
        return (f"{head}; {_ASKED_AGAIN}: {fix} (a rerun in this Python session, a "
                f"notebook's, is not asked until {_ASK_AGAIN_AFTER:g} s after the last miss)")

    def _refuse_if_unreachable(self, claim: bool = True) -> None:
        """:class:`_RequestFailed` (transient) if ``max_unreachable`` requests in a row could not reach the server
        (unless it is time to try it again: ``claim``, this request is that try)."""
        refusal = self._reachability.refusal(claim)
        if refusal is not None:
            raise _RequestFailed(self._unreachable_error(*refusal), transient=True)

    def _complete(self, content: list[dict[str, Any]]) -> tuple[str, bool]:
        """:meth:`chat`'s text, and whether the server cut it off at ``max_tokens`` (``finish_reason`` "length").

        ``max_tokens`` goes as the body's ``max_tokens``; a server that refuses it with a 400 asking for
        ``max_completion_tokens`` (OpenAI's reasoning models: "Unsupported parameter: 'max_tokens' ... Use
        'max_completion_tokens' instead") is asked again with that field, and so is every later request of the judge.
        """
        field = self._token_limit_field
        try:
            return self._post(content, field)
        except _RequestFailed as exc:
            if not exc.wants_max_completion_tokens or field == "max_completion_tokens":
                raise
        self._token_limit_field = "max_completion_tokens"
        return self._post(content, "max_completion_tokens")

    def _post(self, content: list[dict[str, Any]], token_limit_field: str) -> tuple[str, bool]:
        """One chat completion, with its retries: :meth:`_complete`, the token limit sent as ``token_limit_field``."""
        self._refuse_if_unreachable()
        fields = self._settings_fields(token_limit_field)
        media = any(part.get("type") != "text" for part in content)  # frames or audio: what a cap on them refuses
        body = {**fields, "messages": [{"role": "user", "content": content}]}
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        url = f"{self.base_url}/chat/completions"
        problem = ""
        asked = 0.0  # the wait a 429 or 503 asked for (retry-after-ms, Retry-After)
        unreached: str | None = None  # why the last try could not reach the server at all, if it could not
        # the server's failure the last try got, if it did, as a miss's kind: "HTTP 502" (:func:`_failing`: a 408, 409,
        # 5xx), "timeout" (no answer within the timeout: a server that hangs), or a 200 that is no answer (a web page)
        failing: str | None = None
        said = ""  # what the last failing try got: an HTTP error's body, or what was no chat completion
        refused = False  # the last try's connection was refused (a server loading its model), not merely unreached
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(max(min(self.backoff * 2 ** (attempt - 1), 60.0), asked))  # asked: at most _LONGEST_WAIT
            asked = 0.0
            unreached = None
            failing = None
            refused = False
            with self._slots:  # held until the answer is read: a refused setting is noted before a waiting request is sent
                try:
                    self._refuse_if_refused_before(fields, media)  # refused while this request waited for its slot
                    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
                    deadline = time.monotonic() + self.timeout
                    try:
                        # urlopen's handlers (proxies from the environment, read now) but for redirects
                        with urllib.request.build_opener(_NoRedirect).open(request, timeout=self.timeout) as response:
                            payload = _read_body(response, deadline)
                        answer = _answer_text(payload)
                    except (_ServerBusy, _NotAnAnswer) as exc:  # answered, but no answer: a miss if every try is so
                        failing = ("a body that is no chat completion" if isinstance(exc, _NotAnAnswer)
                                   else "an error object in a 200")
                        said = str(exc)
                        raise
                    except urllib.error.URLError as exc:
                        unreached = _unreached(exc)
                        refused = isinstance(exc.reason, ConnectionRefusedError)
                        if isinstance(exc, urllib.error.HTTPError) and _failing(exc.code, exc.headers):
                            failing = f"HTTP {exc.code}"
                        raise
                    except TimeoutError:  # no answer (or no whole one) within the timeout; socket.timeout is TimeoutError
                        failing = "timeout"
                        raise
                    finally:
                        if unreached is None:
                            self._reachability.reached(failing=failing is not None)
                    return answer
                except _ServerBusy as exc:  # a 200 carrying an error object: retried as a 5xx is
                    problem = f"the server at {url} answered with an error: {exc}"
                except _NotAnAnswer as exc:
                    problem = f"{url} answered with something that is not a chat-completions response: {exc}"
                except urllib.error.HTTPError as exc:
                    problem, said, asked = self._http_error(exc, url, data, fields, media, token_limit_field)
                except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError) as exc:  # a timeout is an OSError
                    reason = getattr(exc, "reason", exc)
                    if isinstance(reason, (TimeoutError, socket.timeout)):
                        problem = f"no answer from {url} within {self.timeout:g} s"
                    elif isinstance(exc, http.client.IncompleteRead):  # reached, and answering: not "cannot reach"
                        problem = (f"the answer from {url} was cut off: the connection closed before its end (a server or proxy "
                                   "that failed mid-answer, or a proxy's read timeout)")
                    elif isinstance(reason, ssl.SSLError):  # a TLS failure, its fix in what _unreached says of it
                        problem = f"cannot reach {url}: {unreached}"
                    else:
                        problem = f"cannot reach {url}: {snippet(str(reason), _SNIPPET)}; is the server running?"
                    if refused and self._reachability.first_refusal():
                        self._warn_waiting(snippet(str(reason), _SNIPPET))
        if unreached is not None:
            self._reachability.miss(unreached, refused)
        elif failing is not None:
            self._reachability.miss(f"no answer within {self.timeout:g} s" if failing == "timeout" else snippet(said, _SNIPPET),
                                    False, failing)
        tries = self.max_retries + 1
        raise _RequestFailed(f"{problem} (gave up after {tries} {'try' if tries == 1 else 'tries'}; not cached, the next run asks again)",
                             transient=True)

    def _http_error(self, exc: urllib.error.HTTPError, url: str, data: bytes, fields: dict[str, Any], media: bool,
                    token_limit_field: str) -> tuple[str, str, float]:
        """What :meth:`_post` makes of an HTTP error: ``(the problem, the error's body, the wait it asks for)`` when the
        request is to be tried again (a 408, 409, 429 or 5xx, or as ``x-should-retry`` says), else :class:`_RequestFailed`
        (a redirect, a 4xx, or a server saying not to retry), noting what stops the judge's later requests."""
        try:
            said = exc.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):  # the error body itself was cut off
            said = "(its body was cut off)"
        problem = f"HTTP {exc.code} from {url}: {snippet(said, _SNIPPET) or '(no body)'}"
        param = _error_param(said)  # the request field the server names as the cause, if any
        if 300 <= exc.code < 400:  # a wrong base_url (http:// for https://), every clip's answer: not cached
            problem = f"HTTP {exc.code} from {url}: {self._redirect_hint(url, exc.code, exc.headers)}"
            self._refused = (self._sent_as(fields), problem, "settings")  # later requests not sent, as after a 404
            raise _RequestFailed(f"{problem}; {_ASKED_AGAIN}", transient=True) from None
        retry = _should_retry(exc.headers)  # the server's own word, which openai-python's client obeys first
        wait = _retry_after(exc.headers)  # but a wait asked past _LONGEST_WAIT, which it obeys before that
        if (retry is False or wait > _LONGEST_WAIT) and (exc.code in _RETRIED or exc.code >= 500):
            self._reachability.miss(snippet(said, _SNIPPET), False, f"HTTP {exc.code}")  # one try: its every try
            why = (f"the server asking to wait {wait:.0f} s, past the {_LONGEST_WAIT:g} s the judge waits: a "
                   "quota for the hour or the day?" if wait > _LONGEST_WAIT else
                   "the server's x-should-retry header saying not to")
            raise _RequestFailed(f"{problem} (not retried, {why}); {_ASKED_AGAIN}", transient=True) from None
        if retry is True and wait <= _LONGEST_WAIT:  # any status, as openai-python does: retried, not cached
            return f"{problem} (retried, as the server's x-should-retry header asks)", said, wait
        if exc.code in (401, 403):  # the account's state (a wrong key, a model it may not use), or a 403 to the clip
            problem += self._key_hint(exc.code)
            if exc.code == 401:  # the key, every clip's answer: later ones not sent (a 403 may be one clip's content)
                self._refused = (self._sent_as(fields), problem, "API key")
            raise _RequestFailed(f"{problem}; {_ASKED_AGAIN}", transient=True) from None
        if exc.code == 400 and param == "temperature":  # OpenAI's reasoning models take only 1, or none
            problem += self._temperature_hint(said)
        if exc.code == 413:  # the body past a limit (a proxy's), no answer on the clip: not cached
            problem += f" ({self._too_large_hint(len(data), media)}; not cached, the next run asks again)"
            # not every clip's answer, as a cap on images is: a shorter clip's body, its audio, may fit
            raise _RequestFailed(problem, transient=True) from None
        if exc.code not in _RETRIED and exc.code < 500:
            too_long = exc.code == 400 and _says_prompt_too_long(said)
            if too_long:  # the server's context length is no part of the cache identity: raising it must ask again
                problem += f" ({self._context_hint(said)}; not cached, the next run asks again)"
            wants = exc.code == 400 and token_limit_field == "max_tokens" and _asks_for_max_completion_tokens(said)
            # fewer images (or audio clips) a request than the judge sends one per frame: num_frames, the same
            # for every clip, against the server's setting (vLLM's --limit-mm-per-prompt), no part of the cache identity
            over = _media_limit(said) if exc.code == 400 else None
            if over is not None:
                problem += f" ({self._media_limit_hint(*over)}; not cached, the next run asks again)"
            # a 404 (no such model: vLLM's names no param; a wrong path in base_url) is no clip's either
            setting = param in _SETTING_FIELDS | self.extra_body.keys()
            if not (too_long or wants) and (setting or exc.code == 404 or over is not None):
                # every clip's answer: later ones not sent (for a cap on images, only those carrying the frames)
                self._refused = (self._sent_as(fields, media=over is not None), problem, "settings")
            if over is not None:
                raise _RequestFailed(problem, transient=True) from None
            if exc.code == 404:  # the server's state (the models it serves: a proxy's nodes still loading): not cached
                raise _RequestFailed(f"{problem}; {_ASKED_AGAIN}", transient=True) from None
            raise _RequestFailed(problem, transient=too_long, wants_max_completion_tokens=wants) from None
        return problem, said, wait

    def _refuse_if_refused_before(self, fields: dict[str, Any], media: bool) -> None:
        """:class:`_RequestFailed` (transient: the server was not asked) if the server refused a request sent as this one
        would be (these settings, ``fields``, to this URL with this key; ``media``: carrying the judge's frames or audio) for
        one of its settings or its API key: the class docstring says why it is not cached."""
        error = self._refused_error(fields, media)
        if error is not None:
            raise _RequestFailed(error, transient=True)

    def _refused_error(self, fields: dict[str, Any], media: bool) -> str | None:
        """The error of :meth:`_refuse_if_refused_before`, or None if a request with these settings would be sent."""
        refused = self._refused
        # a refused setting or key refuses every request sent so; a cap on images, only those carrying the frames
        if refused is None or not (refused[0] == self._sent_as(fields) or media and refused[0] == self._sent_as(fields, media=True)):
            return None
        return (f"not asked, the server having refused the same {refused[2]} on an earlier clip: {refused[1]}; {_ASKED_AGAIN}, "
                "the judge built anew (this judge object, as a notebook keeps it, asks again only once its settings change)")

    def _sent_as(self, fields: dict[str, Any], media: bool = False) -> str:
        """What a request with these settings (``fields``) sends but its messages, as canonical JSON: the URL, the settings,
        a digest of the API key (not the key: the record is kept, pickled, with the judge), and with ``media`` the frames
        and audio sampled (a server's cap on images a request refuses num_frames, not the text-only :meth:`extract`)."""
        key = hashlib.sha256(self._api_key.encode("utf-8")).hexdigest() if self._api_key else None
        sent = {"url": self.base_url, "settings": fields, "key": key}
        if media:
            sent["media"] = {"modalities": sorted(self.modalities), **self.media_spec.as_dict()}
        return _as_json(sent)

    def _key_hint(self, status: int) -> str:
        """What a 401 or 403 ends with: the key the judge sent (its option, or the environment variable named, set or
        not) and what to check; for a 403, also whether the account may use the model, or a filter refused the clip."""
        if status == 401:
            return f" (the server refused the API key: {self._key_source})"
        return (f" (the server refused the API key, its account's use of model {self.model!r}, or this clip's content (a "
                f"moderation filter's 403, as its message would say): {self._key_source}, and that the account may use the model)")

    def _settings_fields(self, token_limit_field: str) -> dict[str, Any]:
        """The request's fields but its messages: the judge's settings, the same for every clip; no temperature with
        ``temperature=None`` (the server's default)."""
        fields = {**self.extra_body, "model": self.model, token_limit_field: self.max_tokens}
        if self.temperature is not None:
            fields["temperature"] = self.temperature
        return fields

    def _temperature_hint(self, said: str) -> str:
        """What a 400 naming ``temperature`` as its cause ends with: the option to set, and to what."""
        server = f'temperature = "{SERVER_TEMPERATURE}" (None in Python)'
        if self.temperature is None:
            return f" (the judge sent no temperature, as {server} says: set its temperature option to a number the model takes)"
        if _refuses_the_field(said):  # OpenAI's o-series: "Unsupported parameter: 'temperature' is not supported with this model."
            return f" (the judge sent temperature={self.temperature:g}, a field the model refuses: set {server} to send none)"
        return (f" (the judge sent temperature={self.temperature:g}: set its temperature option to one the model takes, 1 for "
                f"OpenAI's o-series and gpt-5 models, or {server} to send none and let the server use its default)")

    def _media_limit_hint(self, most: int, kind: str) -> str:
        """What a 400 saying the server takes at most ``most`` items of ``kind`` a request (:func:`_media_limit`) ends with:
        the judge sends one image per frame and one audio clip."""
        if kind == "image" and most == 0:
            return "the server's model takes no images: leave 'video' out of modalities, or serve a vision model"
        if kind == "audio" and most == 0:
            return "the server's model takes no audio: leave 'audio' out of modalities, or serve an audio model"
        if kind == "image":
            frames = self.media_spec.num_frames
            return (f"the server takes at most {most} image(s) a request, and the judge sends one per frame (num_frames={frames}): "
                    f"lower num_frames to {most}, or raise the server's limit (vLLM's --limit-mm-per-prompt '{{\"image\": {frames}}}')")
        return f"the server takes at most {most} {kind}(s) a request: raise its limit (vLLM's --limit-mm-per-prompt)"

    def _redirect_hint(self, url: str, status: int, headers: Any) -> str:
        """What a redirect (3xx) says: where it points, and the ``base_url`` to give for it."""
        location = headers.get("Location") if headers is not None else None
        if not location:
            return "a redirect with no Location, which the judge does not follow: check base_url"
        target = urllib.parse.urljoin(url, location)
        if target == url:  # a loop (a proxy ending TLS whose server redirects http:// to https://): no base_url ends it
            return ("redirected to the URL it was sent to, a redirect loop: check the server's or its proxy's settings (one "
                    "ending TLS before a server that redirects to https:// should tell it so, X-Forwarded-Proto)")
        base = target.removesuffix("/chat/completions")
        fix = f"set base_url = {base!r}" if base != target else "set base_url to the server's address"
        why = " (a POST it redirects is sent again as a GET, without its body)" if status in (301, 302, 303) else ""
        return f"redirected to {target}, which the judge does not follow{why}: {fix}"

    def _too_large_hint(self, size: int, media: bool) -> str:
        """What a 413 (Payload Too Large) ends with: the request's size, the server's or its proxy's body limit to raise
        (nginx's ``client_max_body_size``, 1 MB by default), and the judge's options that send less."""
        sent = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1e3))} KB"
        head = (f"the request, {sent}, is larger than the server, or a proxy in front of it, takes: raise its body "
                "limit (nginx's client_max_body_size, 1 MB by default)")
        less = []
        if media and "video" in self.modalities:
            spec = self.media_spec
            less.append(f"fewer or smaller frames (num_frames={spec.num_frames}, max_side={spec.max_side})")
        if media and "audio" in self.modalities:  # no option shortens it: a clip's audio goes whole, 43 KB a second
            less.append("no audio (leave 'audio' out of modalities; the whole clip's audio is sent, 1.3 MB for 30 s)")
        return f"{head}, or send {' or '.join(less)}" if less else head

    def _context_hint(self, said: str) -> str:
        """What to do about a 400 saying the request does not fit the server's context (:func:`_says_prompt_too_long`), with
        the numbers it gives: when the prompt fits but leaves less than ``max_tokens`` for the answer (vLLM's "'max_tokens'
        ... is too large"), lowering ``max_tokens`` is a fix too, and to how much is said. Numbers that explain neither (a
        prompt leaving room for ``max_tokens``: the server counted otherwise) are not given."""
        numbers = _context_numbers(said)
        on_server, less = "on the server (vLLM's --max-model-len, SGLang's --context-length)", "send less (num_frames, max_side)"
        if numbers is not None:
            context, prompt = numbers
            if prompt >= context:
                return f"the prompt, {prompt} tokens, does not fit the server's context length of {context}: raise it {on_server} or {less}"
            if context - prompt < self.max_tokens:
                return (f"the prompt, {prompt} tokens, leaves {context - prompt} of the server's context length of {context} for "
                        f"the answer, less than max_tokens={self.max_tokens}: lower max_tokens to at most {context - prompt}, "
                        f"raise the context length {on_server} or {less}")
        return f"the prompt does not fit the server's context length: raise it {on_server} or {less}"

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "base_url": self.base_url,
            "model": self.model,
            "mode": self.mode,
            "modalities": sorted(self.modalities),
            "prompt_version": prompts.PROMPT_VERSION,
            # read again when the parser changes, but for a subclass reading its answers its own way
            "parser_version": parser_identity(self, OpenAIJudge, ("judge_batch", "_judge_one", "extract")),
            "media": self.media_spec.as_dict(),
            # a number as sent (the identity of verdicts cached before "server" was an option), or "server": none sent
            "temperature": SERVER_TEMPERATURE if self.temperature is None else self.temperature,
            "max_tokens": self.max_tokens,
            "extra_body": self.extra_body,
            # verdicts cached before finish_reason was read (an engine error's text, a filtered answer's leftovers, as
            # words) are not replayed
            "reads_finish_reason": True,
            # verdicts asked with the instruction after 'FrameN:' labels and the frames (LMDeploy's api_server read only
            # 'Frame1:') are not replayed; a text-only judge's one part is as it was
            **({"instruction_first": True} if self._sends_media else {}),
        }


def _as_json(fields: Mapping[str, Any]) -> str:
    """``fields`` as canonical JSON: a snapshot of request settings that a later in-place edit of a nested table does not
    change."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def _unreached(exc: urllib.error.URLError) -> str | None:
    """Why a request never reached the server (connection refused, no route, name not resolved, connect timeout, a TLS
    handshake or certificate refused, with what to do), or None if it did: an HTTP error, or a failure once connected.
    urllib raises the former as a ``URLError`` before any answer."""
    reason = exc.reason
    if isinstance(exc, urllib.error.HTTPError) or not isinstance(reason, OSError):
        return None
    if isinstance(reason, TimeoutError):
        return "connecting timed out"
    if isinstance(reason, (ConnectionRefusedError, socket.gaierror)) or reason.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return snippet(str(reason), _SNIPPET)
    if isinstance(reason, ssl.SSLCertVerificationError):  # the same for every request: counted, so the judge stops asking
        return (f"{snippet(str(reason), _SNIPPET)}: the server's TLS certificate is not trusted here (self-signed, or a "
                "private CA's): point the SSL_CERT_FILE environment variable at its CA's certificate")
    if isinstance(reason, ssl.SSLError):  # https:// to a port that speaks plain HTTP: "[SSL: WRONG_VERSION_NUMBER] ..."
        return (f"{snippet(str(reason), _SNIPPET)}: the TLS handshake failed; if the server speaks plain HTTP there (as "
                "vLLM's and LMDeploy's do unless told otherwise), give base_url as http://")
    return None


def _read_body(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The response body; :class:`TimeoutError` once ``deadline`` has passed with the body unfinished.

    The socket timeout bounds each wait for the next bytes only: a server that
    trickles its answer would otherwise hold the request for ever.
    """
    chunks = []
    while chunk := response.read1(65536):
        chunks.append(chunk)
        if response.length != 0 and time.monotonic() > deadline:
            raise TimeoutError
    if response.length:  # the connection closed before the promised length
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)


def _error_param(said: str) -> str | None:
    """The request field an error body names as its cause: ``param`` of OpenAI's ``{"error": {...}}``, or of the
    ``{"object": "error", ...}`` that vLLM and LMDeploy send; else the field LMDeploy's message names, its param empty
    ("The temperature `3.0` must be in [0, 2]", its api_server's check_request); None if it names none."""
    try:
        body = json.loads(said)
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    fields = error if isinstance(error, dict) else body
    if not isinstance(fields, dict):
        return None
    param, message = fields.get("param"), fields.get("message")
    if isinstance(param, str):
        return param
    named = re.match(r"The (\w+) `", message) if isinstance(message, str) else None
    return named.group(1) if named else None


def _asks_for_max_completion_tokens(said: str) -> bool:
    """Whether a 400's body refuses ``max_tokens`` for ``max_completion_tokens`` (OpenAI's reasoning models: "Unsupported
    parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."), not merely names
    both fields, as vLLM's 400 to a prompt too long for its context does ("'max_tokens' or 'max_completion_tokens' is too
    large: ..."): that one would be asked again for nothing, and the judge's later requests sent the other field."""
    return "max_completion_tokens" in said and re.search(r"unsupported|not supported", said, re.IGNORECASE) is not None


def _refuses_the_field(said: str) -> bool:
    """Whether a 400's body refuses the field it names whatever its value (OpenAI's o-series to a temperature: "Unsupported
    parameter: 'temperature' is not supported with this model.", code ``unsupported_parameter``), not the value sent
    (gpt-5's "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.")."""
    return re.search(r"unsupported[ _]parameter", said, re.IGNORECASE) is not None


def _says_prompt_too_long(said: str) -> bool:
    """Whether a 400's body says the request does not fit the model's context length: vLLM's "This model's maximum context
    length is 4096 tokens ...", or, to a prompt whose frames' tokens pass it, "The decoder prompt (length 8825) is longer
    than the maximum model length of 8192. ..."; SGLang's "The input (N tokens) is longer than the model's context length
    (M tokens)", OpenAI's ``context_length_exceeded``. The context is the server's setting (``--max-model-len``), no part of
    the cache identity, as LMDeploy's ``--session-len`` is."""
    return re.search(r"context[ _]length|maximum model length", said, re.IGNORECASE) is not None


_MEDIA_LIMIT = re.compile(r"At most (\d+) (\w+)\(s\) may be provided in one (?:prompt|request)")


def _media_limit(said: str) -> tuple[int, str] | None:
    """(the most items a request may carry, their kind: ``image``, ``audio``) when a 400's body says the request carried
    more: vLLM's "At most 1 image(s) may be provided in one prompt." (older: "... in one request."), its
    ``--limit-mm-per-prompt``, 1 a modality in its V0 engine and on some hosted endpoints, 999 in V1; 0 for a model
    without that input. None for any other 400."""
    found = _MEDIA_LIMIT.search(said)
    return None if found is None else (int(found[1]), found[2])


_CONTEXT_NUMBERS = [re.compile(pattern, re.DOTALL) for pattern in (  # the 400s _says_prompt_too_long knows, with their numbers
    # vLLM: "This model's maximum context length is 4096 tokens and your request has 4090 input tokens (64 > 4096 - 4090)"
    r"maximum context length is (?P<context>\d+) tokens.*?request has (?P<prompt>\d+) input tokens",
    # older vLLM: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (1000 in the messages, ..."
    r"maximum context length is (?P<context>\d+) tokens.*?\((?P<prompt>\d+) in the messages",
    # older vLLM, to a prompt alone too long: "... However, you requested 5000 tokens in the messages, Please reduce ..."
    r"maximum context length is (?P<context>\d+) tokens.*?you requested (?P<prompt>\d+) tokens in the messages",
    # vLLM: "The decoder prompt (length 8825) is longer than the maximum model length of 8192."
    r"prompt \(length (?P<prompt>\d+)\) is longer than the maximum model length of (?P<context>\d+)",
    # SGLang: "The input (4200 tokens) is longer than the model's context length (4096 tokens)."
    r"input \((?P<prompt>\d+) tokens\) is longer than the model's context length \((?P<context>\d+) tokens\)",
)]


def _context_numbers(said: str) -> tuple[int, int] | None:
    """(the server's context length, the prompt's tokens) as a 400 saying the request does not fit gives them; None if it
    gives them in no form known here."""
    found = next((m for pattern in _CONTEXT_NUMBERS if (m := pattern.search(said))), None)
    return None if found is None else (int(found["context"]), int(found["prompt"]))


def _retry_after(headers: Any) -> float:
    """Seconds the response asks to wait: its ``retry-after-ms`` header (OpenAI's and Azure's, read first, as
    openai-python does), else ``Retry-After`` (a number or an HTTP date); 0 if none or unreadable."""
    if headers is None:
        return 0.0
    for name, unit in (("retry-after-ms", 1000.0), ("Retry-After", 1.0)):
        try:
            wait = float(headers.get(name) or "")
        except ValueError:
            continue
        if math.isfinite(wait):
            return max(0.0, wait / unit)
    value = headers.get("Retry-After") or ""
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0.0


def _failing(status: int, headers: Any) -> bool:
    """Whether an HTTP error is the server's failure that a miss counts when every try gets it: a 408, 409 or 5xx (a
    server down behind its proxy, an engine dead), or any status its ``x-should-retry`` header says to retry, or a 429
    it says not to (a quota used up), or asks to wait for past ``_LONGEST_WAIT`` (not retried). Not a plain 429: a rate
    limit is waited for, clip by clip, not a server down."""
    retry = False if _retry_after(headers) > _LONGEST_WAIT else _should_retry(headers)
    if retry is not None:
        return retry or status in _RETRIED or status >= 500
    return status in (408, 409) or status >= 500


def _should_retry(headers: Any) -> bool | None:
    """The response's ``x-should-retry`` header: True for ``true`` (retry, whatever the status), False for ``false`` (do
    not, even a 5xx or 429: a quota used up), None if absent or other; exactly as openai-python's ``_should_retry`` reads
    it, before the status."""
    said = headers.get("x-should-retry") if headers is not None else None
    return True if said == "true" else False if said == "false" else None


def _answer_text(payload: bytes) -> tuple[str, bool]:
    """The assistant text of a chat-completions response body, and whether it was cut off at the token limit.

    :class:`_RequestFailed` when the body says its text is no answer: ``finish_reason`` "content_filter" (OpenAI: the
    content was withheld by its filters), "error" (LMDeploy: the text is the engine's error message, "internal error
    happened, ..."; transient, as a 5xx), "abort" (LMDeploy: the request was cancelled; transient); or a ``refusal``
    (OpenAI's message field for a model that declines) with no content; or no content and no token generated, cut off
    (the prompt filled the server's context; transient). No content but the thinking a server's
    reasoning parser split off (``reasoning_content``: LMDeploy, SGLang, older vLLM; ``reasoning``: vLLM) is that
    thinking in a ``<think>`` block, so the error says the model thought and then answered nothing, and the verdict's
    raw text keeps the thinking.
    """
    try:
        body = json.loads(payload.decode("utf-8", "replace"))  # a stray byte costs a word, not the answer
        if isinstance(body, dict) and body.get("error") and not body.get("choices"):  # {"error": {"message": "overloaded"}}
            raise _ServerBusy(snippet(json.dumps(body["error"], ensure_ascii=False), _SNIPPET))
        choice = body["choices"][0]
        message = choice["message"]
        content = message.get("content") or ""
        reason = choice.get("finish_reason")
        refusal = message.get("refusal")
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        usage = body.get("usage")
        generated = usage.get("completion_tokens") if isinstance(usage, dict) else None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise _NotAnAnswer(repr(snippet(payload.decode("utf-8", "replace"), _SNIPPET))) from None
    if isinstance(content, list):  # some servers answer in parts
        content = "".join(str(part.get("text") or "") for part in content if isinstance(part, dict))
    # a lone surrogate ("\ud83d", half an emoji) is no text: it could be neither stored nor printed
    text = str(content).encode("utf-8", "replace").decode("utf-8").strip()
    if reason in _NO_ANSWER:
        said = snippet(text, _SNIPPET) or "no message"
        failure = f"the server ended the answer with finish_reason={reason!r} ({_NO_ANSWER[reason]}): {said}"
        if reason in _NOT_CACHED:
            raise _RequestFailed(f"{failure} (not cached, the next run asks again)", transient=True)
        raise _RequestFailed(failure)
    if reason == "length" and not text and not reasoning and generated == 0:
        # no token generated and cut off: the prompt alone filled the server's context (LMDeploy answers so past its
        # --session-len), which is the server's setting, no part of the cache identity: not cached
        raise _RequestFailed("the server generated no token (finish_reason 'length', completion_tokens 0): the prompt filled its "
                             "context length; raise it on the server (LMDeploy's --session-len, vLLM's --max-model-len) or "
                             "send less (num_frames, max_side) (not cached, the next run asks again)", transient=True)
    if not text and isinstance(refusal, str) and refusal.strip():
        raise _RequestFailed(f"the model refused to answer: {snippet(refusal, _SNIPPET)}")
    if not text and isinstance(reasoning, str) and reasoning.strip():
        thinking = reasoning.encode("utf-8", "replace").decode("utf-8").strip()
        text = thinking if "</think>" in thinking else f"<think>{thinking}</think>"
    return text, reason == "length"
