"""OpenAIJudge against a real chat-completions HTTP server on 127.0.0.1, started by the tests."""
from __future__ import annotations

import contextlib
import copy
import json
import linecache
import pickle
import socket
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from judges import prompts
from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.media import MediaSpec, TruncatedMediaWarning
from judges.openai_judge import OpenAIJudge
from judges.registry import build_judge
from judges.runner import run_judges
from judges.two_stage import TwoStageJudge
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache
from tests.media_fixtures import make_clip, make_truncated_copy

REPO = Path(__file__).resolve().parents[1]
Reply = tuple[int, object, float]  # status, body (dict -> JSON, str or bytes -> as is), delay in seconds


def completion(text: str) -> dict:
    return {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}


class FakeChatServer:
    """A threaded HTTP server speaking ``POST /v1/chat/completions``; records requests, counts concurrency.

    ``script`` gives the replies in order (the last one repeats); ``reply`` may
    instead compute one from the request body.
    """

    def __init__(self, script: list[Reply] | None = None, reply: Callable[[dict], Reply] | None = None):
        self.script = list(script or [(200, completion("happy"), 0.0)])
        self.reply = reply
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.requests.append(body)
                    server.headers.append(dict(self.headers))
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                    index = len(server.requests) - 1
                done = False
                try:
                    status, payload, delay = server.reply(body) if server.reply else server.script[min(index, len(server.script) - 1)]
                    time.sleep(delay)
                    data = payload if isinstance(payload, bytes) else payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                    # no longer active before the reply goes out: the client may send its next request at once
                    with server.lock:
                        server.active -= 1
                    done = True
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)
                finally:
                    if not done:
                        with server.lock:
                            server.active -= 1

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "FakeChatServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering with ``handler`` (quietly); its chat-completions base URL."""
    handler.log_message = lambda self, *args: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4", seconds=1.0, width=64, height=48, fps=8)


def judge_for(server: FakeChatServer, **params) -> OpenAIJudge:
    params.setdefault("backoff", 0.01)
    params.setdefault("timeout", 5.0)
    return OpenAIJudge(model="test-model", base_url=server.url, api_key_env=None, **params)


def test_request_carries_model_frames_and_subtitle(video):
    with FakeChatServer([(200, completion("Happy, relieved"), 0.0)]) as server:
        verdict = judge_for(server, num_frames=3).judge(Clip("c1", video, subtitle="We finally made it home"))
    body = server.requests[0]
    parts = body["messages"][0]["content"]
    images = [p for p in parts if p["type"] == "image_url"]
    assert body["model"] == "test-model"
    assert len(images) == 3 and all(p["image_url"]["url"].startswith("data:image/jpeg;base64,") for p in images)
    assert "We finally made it home" in parts[0]["text"]
    assert (verdict.words, verdict.error) == (["happy", "relieved"], None)


def test_audio_goes_as_a_base64_wav_part_when_audio_is_a_modality(video):
    with FakeChatServer() as server:
        judge_for(server, modalities=("audio",)).judge(Clip("c1", video))
    parts = server.requests[0]["messages"][0]["content"]
    audio = [p["input_audio"] for p in parts if p["type"] == "input_audio"]
    assert [a["format"] for a in audio] == ["wav"] and audio[0]["data"].startswith("UklGR")  # "RIFF" in base64
    assert not any(p["type"] == "image_url" for p in parts)


def test_api_key_is_sent_as_bearer_token(video):
    with FakeChatServer() as server:
        judge = OpenAIJudge(model="m", base_url=server.url, api_key="sk-test", modalities=("text",))
        judge.judge(Clip("c1", subtitle="hi"))
    assert server.headers[0]["Authorization"] == "Bearer sk-test"


def test_server_errors_are_retried_until_success(video):
    script = [(500, {"error": "overloaded"}, 0.0), (503, "busy", 0.0), (200, completion("angry"), 0.0)]
    with FakeChatServer(script) as server:
        verdict = judge_for(server, num_frames=1, max_retries=3).judge(Clip("c1", video))
    assert (verdict.words, verdict.error, len(server.requests)) == (["angry"], None, 3)


def test_client_errors_are_not_retried(video):
    with FakeChatServer([(400, {"error": "bad model"}, 0.0)]) as server:
        verdict = judge_for(server, num_frames=1, max_retries=3).judge(Clip("c1", video))
    assert len(server.requests) == 1
    assert "HTTP 400" in verdict.error and "bad model" in verdict.error


OPENAI_REFUSES_MAX_TOKENS = {"error": {  # api.openai.com's 400 to an o-series or gpt-5 model asked with max_tokens
    "message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}}


def test_a_server_refusing_max_tokens_for_max_completion_tokens_is_asked_again_with_it_and_so_are_later_clips():
    """The 400 was every clip's cached error: extra_body could not help, the judge's max_tokens overrode it."""

    def reasoning_model(body: dict) -> Reply:
        return (400, OPENAI_REFUSES_MAX_TOKENS, 0.0) if "max_tokens" in body else (200, completion("calm"), 0.0)

    with FakeChatServer(reply=reasoning_model) as server:
        judge = judge_for(server, modalities=("text",), max_tokens=32)
        verdicts = [judge.judge(Clip(name, subtitle="hi")) for name in ("c1", "c2")]
    assert [(v.words, v.error) for v in verdicts] == [(["calm"], None)] * 2
    assert [(body.get("max_tokens"), body.get("max_completion_tokens")) for body in server.requests] == [(32, None), (None, 32), (None, 32)]


def test_a_400_naming_no_max_completion_tokens_is_not_asked_again():
    with FakeChatServer([(400, {"error": {"message": "Unsupported parameter: 'max_tokens'", "param": "max_tokens"}}, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert len(server.requests) == 1 and "HTTP 400" in verdict.error


VLLM_MAX_TOKENS_TOO_LARGE = {"error": {  # vLLM's 400 to a prompt that leaves too little of its context for max_tokens
    "message": "'max_tokens' or 'max_completion_tokens' is too large: 64. This model's maximum context length is 4096 tokens and "
               "your request has 4090 input tokens (64 > 4096 - 4090). None", "type": "BadRequestError", "param": None, "code": 400}}


@pytest.mark.parametrize("said", [VLLM_MAX_TOKENS_TOO_LARGE, {"error": {"message": "max_completion_tokens must be <= 4096"}}])
def test_a_400_that_names_max_completion_tokens_without_refusing_max_tokens_is_not_asked_again_with_it(said):
    """vLLM's 'too large' 400 had the clip asked again with max_completion_tokens, and every later clip sent it too."""
    with FakeChatServer([(400, said, 0.0), (200, completion("calm"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",))
        verdicts = [judge.judge(Clip(name, subtitle="hi")) for name in ("c1", "c2")]
    assert "HTTP 400" in verdicts[0].error and verdicts[1].words == ["calm"]
    assert [sorted(key for key in body if key.endswith("tokens")) for body in server.requests] == [["max_tokens"]] * 2


SGLANG_PROMPT_TOO_LONG = {"object": "error", "message": "The input (4200 tokens) is longer than the model's context length (4096 tokens).",
                          "type": "BadRequestError", "param": None, "code": 400}
# vLLM's 400 to a prompt whose frames' tokens pass its --max-model-len (_validate_model_input of its v1 engine's processor)
VLLM_DECODER_PROMPT_TOO_LONG = {"object": "error", "message": "The decoder prompt (length 8825) is longer than the maximum model "
                                "length of 8192. Make sure that `max_model_len` is no smaller than the number of text tokens "
                                "plus multimodal tokens.", "type": "BadRequestError", "param": None, "code": 400}


def two_cached_runs(first: Reply, tmp_path: Path) -> tuple[list[Verdict], int]:
    """Clip c1 judged by two runs sharing a verdict cache, the server answering ``first`` and then "calm": the two
    verdicts, and how many requests the server got (2 when the first verdict was not cached)."""
    with FakeChatServer([first, (200, completion("calm"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",))
        verdicts = [run_judges([judge], [Clip("c1", subtitle="hi")], cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
                    for _ in range(2)]
    return verdicts, len(server.requests)


@pytest.mark.parametrize("said", [VLLM_MAX_TOKENS_TOO_LARGE, SGLANG_PROMPT_TOO_LONG, VLLM_DECODER_PROMPT_TOO_LONG,
                                  {"error": {"message": "context_length_exceeded"}}])
def test_a_400_saying_the_prompt_does_not_fit_the_servers_context_is_not_cached(tmp_path, said):
    """It was cached as other 4xx: the run after raising vLLM's --max-model-len (no part of the cache identity) replayed it."""
    verdicts, requests = two_cached_runs((400, said, 0.0), tmp_path)
    assert verdicts[0].transient and "HTTP 400" in verdicts[0].error
    assert verdicts[0].error.endswith("on the server (vLLM's --max-model-len, SGLang's --context-length) or send less "
                                      "(num_frames, max_side); not cached, the next run asks again)")
    assert (verdicts[1].words, requests) == (["calm"], 2)


VLLM_OLDER_REQUEST_TOO_LONG = {"error": {  # older vLLM's 400 to a prompt that leaves too little of its context for max_tokens
    "message": "This model's maximum context length is 4096 tokens. However, you requested 4124 tokens (4060 in the messages, 64 "
               "in the completion). Please reduce the length of the messages or completion.", "type": "BadRequestError", "param": None,
    "code": 400}}


@pytest.mark.parametrize(("said", "told"), [
    (VLLM_MAX_TOKENS_TOO_LARGE, "the prompt, 4090 tokens, leaves 6 of the server's context length of 4096 for the answer, less "
                                "than max_tokens=64: lower max_tokens to at most 6, raise the context length on the server"),
    (VLLM_OLDER_REQUEST_TOO_LONG, "the prompt, 4060 tokens, leaves 36 of the server's context length of 4096 for the answer, "
                                 "less than max_tokens=64: lower max_tokens to at most 36, raise the context length on the server"),
    ({"error": {"message": "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens in the "
                           "messages, Please reduce the length of the messages."}},
     "the prompt, 5000 tokens, does not fit the server's context length of 4096: raise it on the server"),
    (SGLANG_PROMPT_TOO_LONG, "the prompt, 4200 tokens, does not fit the server's context length of 4096: raise it on the server"),
    (VLLM_DECODER_PROMPT_TOO_LONG, "the prompt, 8825 tokens, does not fit the server's context length of 8192: raise it on the server"),
])
def test_a_400_saying_the_request_does_not_fit_the_servers_context_names_its_numbers_and_fixes(said, told):
    with FakeChatServer([(400, said, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert f"({told} (vLLM's --max-model-len, SGLang's --context-length) or send less (num_frames, max_side); not cached" in verdict.error


def test_numbers_leaving_room_for_max_tokens_are_not_given_as_the_reason_the_request_does_not_fit():
    # with max_tokens=64 it said "the prompt, 1000 tokens, leaves 3096 of the server's context length of 4096 for the answer,
    # less than max_tokens=64: lower max_tokens to at most 3096", a reason its own numbers deny
    said = {"error": {"message": "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (1000 in "
                                 "the messages, 4000 in the completion).", "type": "BadRequestError", "param": None, "code": 400}}
    with FakeChatServer([(400, said, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",), max_tokens=64).judge(Clip("c1", subtitle="hi"))
    assert verdict.error.endswith("(the prompt does not fit the server's context length: raise it on the server (vLLM's "
                                  "--max-model-len, SGLang's --context-length) or send less (num_frames, max_side); not cached, "
                                  "the next run asks again)")


VLLM_TOO_MANY_IMAGES = {"error": {  # vLLM (vllm/multimodal/parse.py) past its --limit-mm-per-prompt, 1 image on its V0 engine
    "message": "At most 1 image(s) may be provided in one prompt. Set `--limit-mm-per-prompt` to increase this limit.",
    "type": "BadRequestError", "param": "image", "code": 400}}
VLLM_OLDER_TOO_MANY_IMAGES = {  # older vLLM, and hosted endpoints running it, in its older error shape
    "object": "error", "message": "At most 1 image(s) may be provided in one request. You can set `--limit-mm-per-prompt` to "
                                  "increase this limit if the model supports it.", "type": "BadRequestError", "param": None, "code": 400}


@pytest.mark.parametrize("said", [VLLM_TOO_MANY_IMAGES, VLLM_OLDER_TOO_MANY_IMAGES])
def test_a_server_taking_fewer_images_a_request_than_num_frames_says_what_to_lower_or_raise_and_is_not_cached(video, tmp_path, said):
    limit = {"images": 1}

    def reply(body: dict) -> Reply:
        images = sum(part["type"] == "image_url" for part in body["messages"][0]["content"])
        return (400, said, 0.0) if images > limit["images"] else (200, completion("tense"), 0.0)

    clips = [Clip("c1", video), Clip("c2", video)]
    with FakeChatServer(reply=reply) as server:
        judge = judge_for(server, num_frames=4, max_concurrency=1)
        first = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]
        limit["images"] = 4  # the server restarted with --limit-mm-per-prompt '{"image": 4}'
        second = run_judges([judge_for(server, num_frames=4)], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]
    assert first["c1"].error.endswith("(the server takes at most 1 image(s) a request, and the judge sends one per frame "
                                      "(num_frames=4): lower num_frames to 1, or raise the server's limit (vLLM's "
                                      "--limit-mm-per-prompt '{\"image\": 4}'); not cached, the next run asks again)")
    assert first["c2"].error.startswith("not asked, the server having refused the same settings on an earlier clip: HTTP 400")
    assert first["c1"].transient and first["c2"].transient and len(server.requests) == 1 + 2
    assert [second[c.name].words for c in clips] == [["tense"], ["tense"]]


def test_a_judge_that_lowered_num_frames_after_the_server_capped_images_asks_again(video):
    with FakeChatServer(reply=lambda body: (400, VLLM_TOO_MANY_IMAGES, 0.0) if len(body["messages"][0]["content"]) > 2
                        else (200, completion("calm"), 0.0)) as server:
        judge = judge_for(server, num_frames=2)
        refused = judge.judge(Clip("c1", video))
        judge.media_spec = MediaSpec(num_frames=1, sample_rate=None, max_side=448)  # as a notebook would lower it
        verdict = judge.judge(Clip("c2", video))
    assert "lower num_frames to 1" in refused.error and (verdict.words, verdict.error) == (["calm"], None)


def test_a_cap_on_images_that_refused_the_frames_does_not_refuse_a_text_only_extract(video):
    """A judge both stages of a two-stage recipe (describe, then extract): its extract sends no images for the cap to refuse."""
    with FakeChatServer(reply=lambda body: (400, VLLM_TOO_MANY_IMAGES, 0.0) if len(body["messages"][0]["content"]) > 1
                        else (200, completion("tense"), 0.0)) as server:
        judge = judge_for(server, num_frames=2, mode="describe")
        refused = judge.judge(Clip("c1", video))
        extracted = judge.extract("He frowns.", "Not again.", clip="c1")
    assert "lower num_frames to 1" in refused.error and judge.refused_error() is None
    assert (extracted.words, extracted.error, len(server.requests)) == (["tense"], None, 2)


def test_a_server_whose_model_takes_no_images_says_to_leave_video_out_of_modalities(video):
    said = {"error": {"message": "At most 0 image(s) may be provided in one prompt.", "type": "BadRequestError",
                      "param": "image", "code": 400}}
    with FakeChatServer([(400, said, 0.0)]) as server:
        verdict = judge_for(server, num_frames=2).judge(Clip("c1", video))
    assert verdict.transient and verdict.error.endswith(
        "(the server's model takes no images: leave 'video' out of modalities, or serve a vision model; not cached, the next "
        "run asks again)")


NGINX_413 = ("<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity "
             "Too Large</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n")


def proxy_with_body_limit(limit: dict[str, int]) -> FakeChatServer:
    """A server behind a proxy answering nginx's 413 to a body past ``limit["bytes"]`` (its client_max_body_size)."""
    return FakeChatServer(reply=lambda body: (413, NGINX_413, 0.0) if len(json.dumps(body)) > limit["bytes"]
                          else (200, completion("tense"), 0.0))


@pytest.fixture(scope="module")
def short_and_long(tmp_path_factory) -> tuple[Path, Path]:
    """A 1 s and a 4 s clip with sound: their audio, sent whole, is about 43 and 170 KB of base64."""
    folder = tmp_path_factory.mktemp("lengths")
    return (make_clip(folder / "short.mp4", seconds=1.0, width=64, height=48, fps=8),
            make_clip(folder / "long.mp4", seconds=4.0, width=64, height=48, fps=8))


def test_a_413_from_a_proxys_body_limit_says_what_to_raise_or_send_less_and_is_not_cached(video, tmp_path):
    limit = {"bytes": 1000}
    clips = [Clip("c1", video)]
    with proxy_with_body_limit(limit) as server:
        judge = judge_for(server, num_frames=2, modalities=("video", "audio"))
        first = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
        limit["bytes"] = 10**7  # client_max_body_size raised, nginx reloaded
        second = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
    size = round(len(json.dumps(server.requests[0])) / 1e3)  # the body as sent: a 64x48 clip's, some KB
    assert first.transient and first.error.startswith("HTTP 413 from ") and first.error.endswith(
        f"(the request, {size} KB, is larger than the server, or a proxy in front of it, takes: raise its body limit (nginx's "
        "client_max_body_size, 1 MB by default), or send fewer or smaller frames (num_frames=2, max_side=448) or no audio (leave 'audio' out of "
        "modalities; the whole clip's audio is sent, 1.3 MB for 30 s); not cached, the next run asks again)")
    assert (second.words, second.error, len(server.requests)) == (["tense"], None, 2)


def test_a_413_is_answered_once_the_judge_sends_fewer_frames_as_its_error_says(video):
    limit = {"bytes": 10**7}
    with proxy_with_body_limit(limit) as server:
        judge_for(server, num_frames=2, modalities=("video",)).judge(Clip("c1", video))
        limit["bytes"] = len(json.dumps(server.requests[0]))  # two frames fit, eight do not
        refused = judge_for(server, num_frames=8, modalities=("video",)).judge(Clip("c1", video))
        fewer = judge_for(server, num_frames=2, modalities=("video",)).judge(Clip("c1", video))
    assert "HTTP 413" in refused.error and "send fewer or smaller frames (num_frames=8, max_side=448)" in refused.error
    assert (fewer.words, fewer.error) == (["tense"], None)


def test_a_413_to_a_long_clip_does_not_stop_the_requests_of_shorter_clips_that_fit(short_and_long):
    short, long = short_and_long
    with proxy_with_body_limit({"bytes": 100_000}) as server:
        verdicts = judge_for(server, modalities=("audio",), max_concurrency=1).judge_batch(
            [Clip("long", long), Clip("short", short), Clip("long2", long)])
    assert ["HTTP 413" in (v.error or "") for v in verdicts] == [True, False, True] and verdicts[1].words == ["tense"]
    assert len(server.requests) == 3


OPENAI_REFUSES_TEMPERATURE_0 = {"error": {  # api.openai.com's 400 to a gpt-5 model asked at temperature 0
    "message": "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.",
    "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}
OPENAI_REFUSES_TEMPERATURE = {"error": {  # api.openai.com's 400 to an o-series model asked with any temperature
    "message": "Unsupported parameter: 'temperature' is not supported with this model.",
    "type": "invalid_request_error", "param": "temperature", "code": "unsupported_parameter"}}


def test_a_400_refusing_the_temperature_says_to_set_the_judges_temperature_option():
    with FakeChatServer([(400, OPENAI_REFUSES_TEMPERATURE_0, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert verdict.error.endswith("(the judge sent temperature=0: set its temperature option to one the model takes, 1 for "
                                  "OpenAI's o-series and gpt-5 models, or temperature = \"server\" (None in Python) to send none "
                                  "and let the server use its default)")


def test_a_400_refusing_the_temperature_field_itself_says_to_send_none():
    """The hint said to set a temperature the model takes: an o-series model takes none, so no number could help."""
    with FakeChatServer([(400, OPENAI_REFUSES_TEMPERATURE, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert verdict.error.endswith("(the judge sent temperature=0, a field the model refuses: set temperature = \"server\" "
                                  "(None in Python) to send none)")


def test_a_400_naming_the_temperature_a_judge_did_not_send_says_to_set_a_number():
    """The hint quoted the temperature sent: with none sent (temperature "server") it has none to quote."""
    required = {"error": {"message": "temperature is required for this model", "param": "temperature"}}
    with FakeChatServer([(400, required, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",), temperature="server").judge(Clip("c1", subtitle="hi"))
    assert verdict.error.endswith('(the judge sent no temperature, as temperature = "server" (None in Python) says: set its '
                                  "temperature option to a number the model takes)")

def refuses_any_temperature(body: dict) -> Reply:
    """An o-series model: any request with a temperature is refused."""
    return (400, OPENAI_REFUSES_TEMPERATURE, 0.0) if "temperature" in body else (200, completion("calm"), 0.0)


@pytest.mark.parametrize("temperature", [None, "server"])
def test_temperature_none_or_server_sends_no_temperature_so_a_model_refusing_the_field_is_judged(temperature):
    with FakeChatServer(reply=refuses_any_temperature) as server:
        verdict = judge_for(server, modalities=("text",), temperature=temperature).judge(Clip("c1", subtitle="hi"))
    assert (verdict.words, verdict.error, len(server.requests)) == (["calm"], None, 1)


def test_temperature_server_is_read_from_a_judges_config_file(tmp_path):
    from judges.registry import judges_from_config

    config = tmp_path / "judges.toml"
    config.write_text('[[judge]]\ntype = "openai"\nmodel = "o3"\nbase_url = "http://127.0.0.1:1/v1"\nmodalities = ["text"]\n'
                      'temperature = "server"\n')
    (judge,) = judges_from_config(config)
    assert isinstance(judge, OpenAIJudge) and judge.temperature is None and judge.cache_identity()["temperature"] == "server"


@pytest.mark.parametrize("temperature", ["Server", "default", "0.2", ""])
def test_a_temperature_that_is_neither_a_number_nor_server_is_refused_naming_both(temperature):
    with pytest.raises(InputError, match=rf"^temperature={temperature!r}: give a finite number \(unquoted in a config\), or "
                                         r"'server' \(None in Python\) to send none"):
        OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", temperature=temperature)


def test_a_numeric_temperature_keeps_the_cache_identity_it_had_before_server_was_an_option():
    """Verdicts cached at temperature 0 (the identity's float, 0.0: canonical JSON tells it from 0) must keep replaying."""
    identities = [OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", **given).cache_identity()["temperature"]
                  for given in ({}, {"temperature": 1})]
    assert [(value, type(value)) for value in identities] == [(0.0, float), (1.0, float)]


def test_a_verdict_asked_without_temperature_is_not_replayed_as_one_asked_at_0_nor_the_other_way(tmp_path):
    cache = tmp_path / "v.sqlite"
    with FakeChatServer(reply=lambda body: (200, completion("calm" if "temperature" in body else "sad"), 0.0)) as server:
        runs = [run_judges([judge_for(server, modalities=("text",), temperature=temperature)], [Clip("c1", subtitle="hi")],
                           cache=cache, progress=False)["test-model"]["c1"].words for temperature in (0.0, None, 0.0, "server")]
    assert (runs, len(server.requests)) == ([["calm"], ["sad"], ["calm"], ["sad"]], 2)


# -- a 4xx refusing one of the judge's settings: the judge's later requests with the same settings are not sent --


def refuses_temperature_0(body: dict) -> Reply:
    """A gpt-5 model: a request at temperature 0 is refused, one without a temperature answered."""
    return (400, OPENAI_REFUSES_TEMPERATURE_0, 0.0) if body.get("temperature") == 0 else (200, completion("calm"), 0.0)


def test_after_the_server_refuses_the_temperature_the_judges_other_clips_fail_unsent_with_the_refusal():
    with FakeChatServer(reply=refuses_any_temperature) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=1).judge_batch(lines(5))
    assert len(server.requests) == 1 and verdicts[0].error.startswith(f"HTTP 400 from {server.url}/chat/completions")
    assert all(v.error == f"not asked, the server having refused the same settings on an earlier clip: {verdicts[0].error}; "
                          "not cached, so the next run (with --cache) asks again, the judge built anew (this judge object, as a "
                          "notebook keeps it, asks again only once its settings change)" for v in verdicts[1:])


def test_a_judge_kept_after_a_refusal_says_its_own_rerun_does_not_ask_again_until_built_anew(tmp_path):
    """Not cached, so the next run asks again: not this judge object's, which keeps the refusal (a notebook's rerun)."""
    with FakeChatServer([(404, LMDEPLOY_PROXY_NO_SUCH_MODEL, 0.0), (200, completion("calm"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_concurrency=1)
        runs = [run_judges([judge], lines(2), cache=tmp_path / "v.sqlite", progress=False)["test-model"] for _ in range(2)]
    assert len(server.requests) == 1 and runs[1]["c0"].error.endswith(
        "; not cached, so the next run (with --cache) asks again, the judge built anew (this judge object, as a notebook "
        "keeps it, asks again only once its settings change)")


def test_requests_in_flight_when_a_setting_is_refused_are_the_servers_answers_and_no_later_one_is_sent():
    all_sent = threading.Barrier(3, timeout=5)  # the server answers once the judge's 3 request threads have all asked

    def refuses_after_all_sent(body: dict) -> Reply:
        all_sent.wait()
        return 400, OPENAI_REFUSES_TEMPERATURE, 0.0

    with FakeChatServer(reply=refuses_after_all_sent) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=3).judge_batch(lines(8))
    answered = [v for v in verdicts if v.error.startswith("HTTP 400")]
    assert (len(server.requests), len(answered)) == (3, 3) and not any(v.transient for v in answered)
    assert all(v.transient and v.error.startswith("not asked") for v in verdicts if v not in answered)


def test_requests_waiting_for_a_free_slot_when_a_setting_is_refused_are_not_sent():
    """Threads of the user's own (or a two-stage judge's extracts) past the first check wait for the one slot."""
    with FakeChatServer(reply=lambda body: (400, OPENAI_REFUSES_TEMPERATURE, 0.3)) as server:
        judge = judge_for(server, modalities=("text",), max_concurrency=1)
        with ThreadPoolExecutor(4) as pool:
            verdicts = list(pool.map(judge.judge, lines(4)))
    assert len(server.requests) == 1 and sum(v.error.startswith("not asked") for v in verdicts) == 3


def test_a_clip_after_a_refused_setting_is_failed_before_its_video_is_read(video, tmp_path):
    """Decoding a clip's frames for a request that will not be sent is time thrown away: the missing file is not looked at."""
    with FakeChatServer(reply=refuses_any_temperature) as server:
        verdicts = judge_for(server, num_frames=2, max_concurrency=1).judge_batch([Clip("c1", video), Clip("c2", tmp_path / "gone.mp4")])
    assert len(server.requests) == 1 and verdicts[1].error.startswith("not asked, the server having refused the same settings")


def test_requests_waiting_with_max_tokens_when_the_server_asks_for_max_completion_tokens_are_asked_again_with_it():
    """That 400 names max_tokens, a setting, but is the recoverable switch: no waiting request fails as refused unsent."""

    def reasoning_model(body: dict) -> Reply:
        return (400, OPENAI_REFUSES_MAX_TOKENS, 0.2) if "max_tokens" in body else (200, completion("calm"), 0.0)

    with FakeChatServer(reply=reasoning_model) as server:
        judge = judge_for(server, modalities=("text",), max_concurrency=1)
        with ThreadPoolExecutor(3) as pool:
            verdicts = list(pool.map(judge.judge, lines(3)))
    assert [(v.words, v.error) for v in verdicts] == [(["calm"], None)] * 3

@pytest.mark.parametrize("params, said", [
    ({"extra_body": {"top_k": 20}}, {"error": {"message": "Unrecognized request argument supplied: top_k", "param": "top_k"}}),
    ({}, {"error": {"message": "Unsupported parameter: 'max_tokens'", "param": "max_tokens"}}),
    ({}, {"error": {"message": "The model `test-model` does not exist.", "param": "model", "code": "model_not_found"}}),
])
def test_a_4xx_naming_another_of_the_judges_settings_also_stops_its_later_requests(params, said):
    with FakeChatServer([(400, said, 0.0)]) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=1, **params).judge_batch(lines(3))
    assert len(server.requests) == 1 and all(v.error.startswith("not asked") for v in verdicts[1:])


@pytest.mark.parametrize("said", [
    # a vLLM server's 404 to a model it does not serve: it names no param
    {"object": "error", "message": "The model `test-model` does not exist.", "type": "NotFoundError", "param": None, "code": 404},
    {"detail": "Not Found"},  # FastAPI's 404 to a base_url with a wrong path (".../v1/v1")
])
def test_a_404_also_stops_the_judges_later_requests(said):
    """The URL and the model are the same for every clip: a 404 is every clip's answer, though it names no param."""
    with FakeChatServer([(404, said, 0.0)]) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=1).judge_batch(lines(3))
    assert len(server.requests) == 1 and all(v.error.startswith("not asked, the server having refused the same settings")
                                             for v in verdicts[1:])


# LMDeploy's proxy (check_request_model in lmdeploy/serve/proxy/proxy.py) to a model none of its nodes serves yet: the
# nodes of docs/scale-out.md register with it once their model has loaded, or join mid-run
LMDEPLOY_PROXY_NO_SUCH_MODEL = {"object": "error", "message": "The model `test-model` does not exist.",
                                "type": "invalid_request_error", "param": None, "code": 404}


def test_a_404_is_not_cached_so_the_rerun_once_the_server_serves_the_model_is_answered(tmp_path):
    """Whether the server serves the model is its state (a proxy whose nodes still load), no part of the cache identity."""
    with FakeChatServer([(404, LMDEPLOY_PROXY_NO_SUCH_MODEL, 0.0), (200, completion("calm"), 0.0)]) as server:
        runs = [run_judges([judge_for(server, modalities=("text",), max_concurrency=1)], lines(3), cache=tmp_path / "v.sqlite",
                           progress=False)["test-model"] for _ in range(2)]
    assert runs[0]["c0"].transient and runs[0]["c0"].error.endswith("; not cached, so the next run (with --cache) asks again")
    assert [v.words for v in runs[1].values()] == [["calm"]] * 3 and len(server.requests) == 4


@pytest.mark.parametrize("said", [
    {"error": {"message": "Invalid image data", "param": "messages", "code": "invalid_image"}},  # the clip's frames
    {"error": {"message": "This model's maximum context length is 4096 tokens ...", "param": "max_tokens"}},  # its size
    {"error": "bad request"},  # naming no field
])
def test_a_4xx_not_naming_one_of_the_judges_settings_still_asks_every_clip(said):
    with FakeChatServer([(400, said, 0.0)]) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=1).judge_batch(lines(3))
    assert len(server.requests) == 3 and all(v.error.startswith("HTTP 400") for v in verdicts)


# LMDeploy's api_server (check_request in lmdeploy/serve/openai/api_server.py) names the field in its message, not in param
LMDEPLOY_REFUSES_TEMPERATURE = {"object": "error", "message": "The temperature `3.0` must be in [0, 2]",
                                "type": "invalid_request_error", "param": None, "code": 400}


def test_lmdeploys_400_naming_the_temperature_in_its_message_also_stops_the_judges_later_requests():
    with FakeChatServer([(400, LMDEPLOY_REFUSES_TEMPERATURE, 0.0)]) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=1, temperature=3).judge_batch(lines(3))
    assert len(server.requests) == 1 and "(the judge sent temperature=3: set its temperature option" in verdicts[0].error
    assert all(v.error.startswith("not asked, the server having refused the same settings") for v in verdicts[1:])


def test_a_model_refusing_max_tokens_and_then_the_temperature_costs_two_requests_not_two_a_clip():
    """OpenAI's o-series with the defaults: the max_completion_tokens switch is asked again, the temperature is not."""

    def o_series(body: dict) -> Reply:
        return (400, OPENAI_REFUSES_MAX_TOKENS if "max_tokens" in body else OPENAI_REFUSES_TEMPERATURE, 0.0)

    with FakeChatServer(reply=o_series) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=1).judge_batch(lines(4))
    assert [sorted(key for key in body if key.endswith("tokens")) for body in server.requests] == [["max_tokens"], ["max_completion_tokens"]]
    assert "a field the model refuses" in verdicts[0].error and all(v.error.startswith("not asked") for v in verdicts[1:])


def test_clips_not_asked_after_a_refused_setting_are_not_cached_so_a_server_fixed_since_answers_them(tmp_path):
    """The refusal itself is the server's answer, cached; the clips never sent are asked by the next run."""
    fixed = threading.Event()
    with FakeChatServer(reply=lambda body: (200, completion("calm"), 0.0) if fixed.is_set() else refuses_temperature_0(body)) as server:
        def run() -> list[Verdict]:
            judge = judge_for(server, modalities=("text",), max_concurrency=1)
            return list(run_judges([judge], lines(3), cache=tmp_path / "v.sqlite", progress=False)["test-model"].values())

        first = run()
        fixed.set()  # the server restarted with a model that takes temperature 0
        second = run()
    assert [v.transient for v in first] == [False, True, True] and len(server.requests) == 3
    assert [v.error or v.words for v in second] == [first[0].error, ["calm"], ["calm"]]


def test_a_judge_kept_in_a_notebook_whose_temperature_is_set_to_none_after_a_refusal_asks_again():
    """Only requests with the very settings refused are not sent: the fix the error names works on the same judge."""
    with FakeChatServer(reply=refuses_any_temperature) as server:
        judge = judge_for(server, modalities=("text",), max_concurrency=1)
        judge.judge_batch(lines(2))
        judge.temperature = None
        verdicts = judge.judge_batch(lines(2))
    assert len(server.requests) == 3 and [v.words for v in verdicts] == [["calm"]] * 2

def test_a_judge_kept_in_a_notebook_whose_extra_body_table_is_edited_in_place_after_a_refusal_asks_again():
    """The refused settings were kept as the request's own dict, sharing extra_body's nested tables: the edit changed them
    too, so the fixed request still matched the refused one and was not sent."""

    def refuses_thinking(body: dict) -> Reply:
        if body["chat_template_kwargs"]["enable_thinking"]:
            return 400, {"error": {"message": "thinking is not supported", "param": "chat_template_kwargs"}}, 0.0
        return 200, completion("calm"), 0.0

    with FakeChatServer(reply=refuses_thinking) as server:
        judge = judge_for(server, modalities=("text",), extra_body={"chat_template_kwargs": {"enable_thinking": True}})
        judge.judge(Clip("c1", subtitle="hi"))
        judge.extra_body["chat_template_kwargs"]["enable_thinking"] = False
        verdict = judge.judge(Clip("c2", subtitle="hi"))
    assert (verdict.words, verdict.error, len(server.requests)) == (["calm"], None, 2)


def test_the_rerun_with_temperature_server_after_a_refusal_asks_every_clip(tmp_path):
    with FakeChatServer(reply=refuses_temperature_0) as server:
        runs = [run_judges([judge_for(server, modalities=("text",), max_concurrency=1, temperature=temperature)], lines(3),
                           cache=tmp_path / "v.sqlite", progress=False)["test-model"] for temperature in (0.0, "server")]
    assert len(server.requests) == 4 and [v.words for v in runs[1].values()] == [["calm"]] * 3


# -- a 401 or 403: the account's state, not the clip's answer: not cached, and not sent again with the same key --

OPENAI_WRONG_KEY = {"error": {  # api.openai.com's 401 to a wrong key
    "message": "Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.",
    "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}


@contextlib.contextmanager
def key_checking_server(status: int = 401, body: dict = OPENAI_WRONG_KEY) -> Iterator[tuple[str, list[str]]]:
    """A server answering ``status`` unless the request carries ``Bearer sk-right``; its URL and the keys it was sent."""
    keys: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            keys.append(self.headers.get("Authorization", ""))
            answer = completion("calm") if keys[-1] == "Bearer sk-right" else body
            data = json.dumps(answer).encode()
            self.send_response(200 if answer is not body else status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with serving(Handler) as url:
        yield url, keys


def key_judge(url: str, **params) -> OpenAIJudge:
    params.setdefault("api_key_env", None)
    return OpenAIJudge(model="test-model", base_url=url, modalities=("text",), max_concurrency=1, backoff=0.01, **params)


def test_a_401_is_not_cached_so_the_rerun_with_the_right_key_is_answered(tmp_path, monkeypatch):
    """The key is no part of the cache identity: a cached 401 was replayed to the rerun with the right key, unasked."""
    with key_checking_server() as (url, keys):
        runs = []
        for key in ("sk-wrong", "sk-right"):
            monkeypatch.setenv("MEROV_TEST_KEY", key)
            judge = key_judge(url, api_key_env="MEROV_TEST_KEY")
            runs.append(run_judges([judge], lines(1), cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c0"])
    assert runs[0].transient and runs[1].words == ["calm"] and keys == ["Bearer sk-wrong", "Bearer sk-right"]


def test_after_a_401_the_judges_other_clips_are_not_sent_with_the_same_key():
    with key_checking_server() as (url, keys):
        verdicts = key_judge(url, api_key="sk-wrong").judge_batch(lines(5))
    assert len(keys) == 1 and verdicts[0].error.startswith(f"HTTP 401 from {url}/chat/completions")
    assert all(v.transient and v.error == f"not asked, the server having refused the same API key on an earlier clip: "
                                          f"{verdicts[0].error}, the judge built anew (this judge object, as a notebook keeps "
                                          "it, asks again only once its settings change)" for v in verdicts[1:])


@pytest.mark.parametrize("given, source", [
    ({"api_key": "sk-wrong"}, "the judge sent its api_key option: check it"),
    ({"api_key_env": "MEROV_TEST_KEY"}, "the judge sent the environment variable MEROV_TEST_KEY (api_key_env): check its value"),
    ({"api_key_env": "MEROV_UNSET_KEY"}, "the judge sent no key, the environment variable MEROV_UNSET_KEY (api_key_env) not "
                                         "being set when it was built: set it, or give api_key"),
    ({"api_key_env": "MEROV_EMPTY_KEY"}, "the judge sent no key, the environment variable MEROV_EMPTY_KEY (api_key_env) being "
                                         "empty when it was built: set it, or give api_key"),
    ({}, "the judge sent no key, having neither api_key nor api_key_env: give api_key, or api_key_env naming the environment "
         "variable that holds it"),
])
def test_a_401_says_which_key_the_judge_sent_and_what_to_check(given, source, monkeypatch):
    monkeypatch.setenv("MEROV_TEST_KEY", "sk-wrong")
    monkeypatch.setenv("MEROV_EMPTY_KEY", "")
    monkeypatch.delenv("MEROV_UNSET_KEY", raising=False)
    with key_checking_server() as (url, keys):
        verdict = key_judge(url, **given).judge(Clip("c1", subtitle="hi"))
    assert verdict.error.endswith(f"(the server refused the API key: {source}); not cached, so the next run (with --cache) asks again")


def test_a_403_says_to_check_the_key_that_the_account_may_use_the_model_or_the_clips_content():
    denied = {"error": {"message": "You are not allowed to sample from this model", "type": "invalid_request_error",
                        "param": None, "code": None}}
    with key_checking_server(403, denied) as (url, keys):
        verdicts = key_judge(url, api_key="sk-wrong").judge_batch(lines(3))
    assert len(keys) == 3 and all(v.transient and v.error.endswith(
        "(the server refused the API key, its account's use of model 'test-model', or this clip's content (a moderation "
        "filter's 403, as its message would say): the judge sent its api_key option: check it, and that the account may use "
        "the model); not cached, so the next run (with --cache) asks again") for v in verdicts)


# OpenRouter's 403 to an input its moderation flagged (openrouter.ai/docs/errors: "403: Your chosen model requires
# moderation and your input was flagged"), in the shape of its error body and moderation metadata
OPENROUTER_FLAGGED = {"error": {"code": 403, "message": "openai/gpt-4o requires moderation on OpenAI. Your input was flagged "
                                "for \"violence/graphic\". No credits were charged.",
                                "metadata": {"reasons": ["violence/graphic"], "flagged_input": "...he stabs...",
                                             "provider_name": "OpenAI", "model_slug": "openai/gpt-4o"}}}


def test_a_403_to_one_clips_content_does_not_stop_the_judges_other_clips():
    """A moderation filter's 403 refuses the clip, not the key: the other clips are asked and answered."""
    asked: list[str] = []

    def reply(body: dict) -> Reply:
        text = body["messages"][0]["content"][-1]["text"]
        asked.append(text)
        return (403, OPENROUTER_FLAGGED, 0.0) if "stabs" in text else (200, completion("calm"), 0.0)

    clips = [Clip("c0", subtitle="he stabs him")] + [Clip(f"c{i}", subtitle=f"line {i}") for i in range(1, 5)]
    with FakeChatServer(reply=reply) as server:
        verdicts = OpenAIJudge(model="openai/gpt-4o", base_url=server.url, api_key="sk-or", modalities=("text",),
                               max_concurrency=1, backoff=0.01).judge_batch(clips)
    assert len(asked) == 5 and verdicts[0].transient and verdicts[0].error.startswith("HTTP 403")
    assert [v.words for v in verdicts[1:]] == [["calm"]] * 4


def test_a_judge_whose_key_was_refused_asks_again_once_its_model_changes():
    """The refusal is of the request sent, its model with it: the request for another model is not the one refused."""
    with key_checking_server(401) as (url, keys):
        judge = key_judge(url, api_key="sk-wrong")
        judge.judge(Clip("c1", subtitle="hi"))
        judge.model = "another-model"
        verdict = judge.judge(Clip("c2", subtitle="hi"))
    assert len(keys) == 2 and verdict.error.startswith("HTTP 401")


def test_retries_give_up_with_an_error_verdict(video):
    with FakeChatServer([(429, "slow down", 0.0)]) as server:
        verdict = judge_for(server, num_frames=1, max_retries=2).judge(Clip("c1", video))
    assert len(server.requests) == 3
    assert "HTTP 429" in verdict.error and "3 tries" in verdict.error


def test_a_slow_server_times_out_into_an_error_verdict(video):
    with FakeChatServer([(200, completion("happy"), 1.5)]) as server:
        verdict = judge_for(server, num_frames=1, timeout=0.3, max_retries=0).judge(Clip("c1", video))
    assert not verdict.ok and "within 0.3 s" in verdict.error


def test_a_server_trickling_its_answer_is_cut_off_at_the_timeout_per_request():
    """``timeout`` bounds the whole request, not only each wait for the next byte."""

    class Trickle(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            data = json.dumps(completion("happy")).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                pass

    with serving(Trickle) as url:
        judge = OpenAIJudge(model="m", base_url=url, api_key_env=None, modalities=("text",), max_retries=0, timeout=1.0)
        start = time.perf_counter()
        verdict = judge.judge(Clip("c1", subtitle="hi"))
        elapsed = time.perf_counter() - start
    assert "within 1 s" in verdict.error and elapsed < 2.5


def test_an_unreachable_server_gives_an_error_verdict():
    judge = OpenAIJudge(model="m", base_url="http://127.0.0.1:9/v1", modalities=("text",), max_retries=0, timeout=2)
    with pytest.warns(UserWarning, match="refuses connections"):  # it waits for a server still starting, and says so
        verdict = judge.judge(Clip("c1", subtitle="hi"))
    assert not verdict.ok and "cannot reach" in verdict.error


@pytest.mark.parametrize("reply", [completion("!!! ### 12345 ???"), completion(""), {"unexpected": True}])
def test_garbage_output_gives_an_error_verdict(video, reply):
    with FakeChatServer([(200, reply, 0.0)]) as server:
        verdict = judge_for(server, num_frames=1).judge(Clip("c1", video))
    assert not verdict.ok and verdict.words == []


@pytest.mark.parametrize("two_stage", [False, True], ids=["judge", "two-stage extractor"])
def test_a_batch_given_up_at_batch_timeout_does_not_hold_the_programs_exit(two_stage):
    """The run returns at batch_timeout; the requests it gave up on (to a server that never answers, each allowed
    20 s) must not keep the program alive after it."""
    script = textwrap.dedent(f"""
        import socket
        from judges.clip import Clip
        from judges.openai_judge import OpenAIJudge
        from judges.two_stage import TwoStageJudge
        from judges.verdict import Verdict
        from judges.runner import run_judges

        mute = socket.socket()  # listens, never answers
        mute.bind(("127.0.0.1", 0))
        mute.listen(16)
        llm = OpenAIJudge(model="m", base_url=f"http://127.0.0.1:{{mute.getsockname()[1]}}/v1", api_key_env=None,
                          modalities=("text",), timeout=20, max_retries=0, max_concurrency=2)

        class Describer(OpenAIJudge):  # describes at once: only stage two asks the mute server
            def judge_batch(self, clips):
                return [Verdict(self.name, c.name, description="a frown") for c in clips]

        judge = TwoStageJudge(Describer(model="d", mode="describe", modalities=("video",), num_frames=0), llm) if {two_stage} else llm
        clips = [Clip(f"c{{i}}", subtitle="hi") for i in range(2)]
        out = run_judges([judge], clips, progress=False, batch_timeout=0.5)
        print("returned", "batch_timeout" in out[judge.name]["c0"].error, flush=True)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert process.stdout.readline().strip() == "returned True"
        returned = time.monotonic()
        process.wait(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0 and time.monotonic() - returned < 10


def test_concurrency_is_bounded(video):
    clips = [Clip(f"c{i}", subtitle=f"line {i}") for i in range(10)]
    with FakeChatServer([(200, completion("calm"), 0.1)]) as server:
        verdicts = judge_for(server, modalities=("text",), max_concurrency=3).judge_batch(clips)
    assert [v.clip for v in verdicts] == [c.name for c in clips]
    assert all(v.words == ["calm"] for v in verdicts)
    assert server.max_active == 3


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("whole") / "whole.mp4", seconds=6.0, width=64, height=48, fps=8)


@pytest.fixture
def truncated(whole, tmp_path):
    """Two videos cut short, new to each test (a file's truncation is warned about once per process)."""
    return [make_truncated_copy(whole, tmp_path / f"cut{i}.mp4", 0.5) for i in range(2)]


def _truncation_warnings(caught: list[warnings.WarningMessage]) -> list[tuple[str, str]]:
    """Where each truncated-video warning points: its file and that line's text."""
    return [(w.filename, linecache.getline(w.filename, w.lineno).strip())
            for w in caught if issubclass(w.category, TruncatedMediaWarning)]


@pytest.mark.parametrize("batch_size", [1, 2], ids=["judged-in-the-runners-thread", "judged-in-request-threads"])
def test_a_truncated_videos_warning_points_at_the_line_that_started_the_run(truncated, batch_size):
    # it pointed at threading.py (the runner's thread) or concurrent/futures/thread.py (the judge's requests)
    clips = [Clip.from_path(path) for path in truncated]
    with FakeChatServer() as server, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_judges([judge_for(server, max_concurrency=2)], clips, batch_size=batch_size, progress=False)  # the line
    assert _truncation_warnings(caught) == [(__file__, "run_judges([judge_for(server, max_concurrency=2)], clips, "
                                                       "batch_size=batch_size, progress=False)  # the line")] * 2


class RunInsideJudge(Judge):
    """A user's judge whose judge_batch runs an OpenAI judge on ``clips`` itself, in the outer run's thread."""

    name = "outer"

    def __init__(self, server: FakeChatServer, clips: list[Clip], batch_size: int):
        self.server, self.clips, self.batch_size = server, clips, batch_size

    def judge_batch(self, clips):
        run_judges([judge_for(self.server, max_concurrency=2)], self.clips, batch_size=self.batch_size, progress=False)  # inner
        return [Verdict(self.name, clip.name, words=["calm"]) for clip in clips]


@pytest.mark.parametrize("batch_size", [1, 2], ids=["judged-in-the-runners-thread", "judged-in-request-threads"])
def test_a_warning_in_a_run_started_by_a_users_judge_inside_another_run_points_at_that_judges_line(truncated, batch_size):
    # it pointed at the outer run's line, where a warning raised without threads points at the judge's
    with FakeChatServer() as server, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_judges([RunInsideJudge(server, [Clip.from_path(path) for path in truncated], batch_size)], ["c1"], progress=False)
    assert [line.endswith("progress=False)  # inner") for _, line in _truncation_warnings(caught)] == [True, True]


def test_a_warning_in_a_thread_that_calls_a_judge_directly_points_at_the_judge_not_at_the_thread_machinery(truncated):
    with FakeChatServer() as server, warnings.catch_warnings(record=True) as caught, ThreadPoolExecutor(1) as pool:
        warnings.simplefilter("always")
        list(pool.map(judge_for(server).judge, [Clip.from_path(truncated[0])]))  # no line of the caller's on that thread
    assert [where.rsplit("/", 2)[-2:] for where, _ in _truncation_warnings(caught)] == [["judges", "base.py"]]


def test_describe_mode_returns_the_description(video):
    with FakeChatServer([(200, completion("She frowns and clenches her fists."), 0.0)]) as server:
        verdict = judge_for(server, num_frames=1, mode="describe").judge(Clip("c1", video))
    assert "describe" in server.requests[0]["messages"][0]["content"][0]["text"]
    assert (verdict.description, verdict.words, verdict.error) == ("She frowns and clenches her fists.", [], None)


def test_describe_mode_leaves_a_think_block_out_of_the_description(video):
    answer = "<think>Is she angry? No; maybe sad.</think>She smiles broadly: she looks happy."
    with FakeChatServer([(200, completion(answer), 0.0)]) as server:
        verdict = judge_for(server, num_frames=1, mode="describe").judge(Clip("c1", video))
    assert (verdict.description, verdict.raw, verdict.error) == ("She smiles broadly: she looks happy.", answer, None)


def test_extract_is_a_text_only_request_with_description_and_subtitle():
    with FakeChatServer([(200, completion("angry, frustrated"), 0.0)]) as server:
        verdict = judge_for(server).extract("He frowns.", "Get out!", clip="c1")
    parts = server.requests[0]["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text"]
    assert "He frowns." in parts[0]["text"] and "Get out!" in parts[0]["text"]
    assert (verdict.clip, verdict.words, verdict.description) == ("c1", ["angry", "frustrated"], "He frowns.")


def test_a_clip_without_video_fails_alone():
    with FakeChatServer() as server:
        verdict = judge_for(server).judge(Clip("c1", subtitle="hi"))
    assert "no video file" in verdict.error and server.requests == []


def test_cache_identity_names_server_model_prompt_media_and_mode():
    ident = OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", mode="describe", num_frames=4, api_key="secret").cache_identity()
    assert (ident["base_url"], ident["model"], ident["mode"], ident["media"]["num_frames"]) == ("http://127.0.0.1:1/v1", "m", "describe", 4)
    assert "prompt_version" in ident and "secret" not in json.dumps(ident)


def test_verdicts_cached_before_finish_reason_was_read_are_not_replayed():
    """An engine error's text ('internal error happened') and a filtered answer's leftovers ('happy', 'ang') were cached as
    words before finish_reason 'error' and 'content_filter' were read: a rerun with --cache replayed them."""
    assert OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1").cache_identity()["reads_finish_reason"] is True


def test_registered_as_openai():
    judge = build_judge("openai", model="m", base_url="http://127.0.0.1:1/v1", name="srv")
    assert isinstance(judge, OpenAIJudge) and judge.name == "srv"


def test_describe_mode_asks_for_up_to_512_tokens_by_default(video):
    with FakeChatServer([(200, completion("She frowns."), 0.0)]) as server:
        judge_for(server, num_frames=1, mode="describe").judge(Clip("c1", video))
    assert server.requests[0]["max_tokens"] == 512


def test_extra_body_fields_are_sent_with_the_request():
    with FakeChatServer() as server:
        judge_for(server, modalities=("text",), extra_body={"top_p": 0.5}).judge(Clip("c1", subtitle="hi"))
    assert server.requests[0]["top_p"] == 0.5


@pytest.mark.parametrize("field, option", [("temperature", "temperature"), ("max_tokens", "max_tokens"),
                                           ("max_completion_tokens", "max_tokens"), ("model", "model")])
def test_an_extra_body_field_the_judge_sets_itself_is_refused_naming_the_option_to_use(field, option):
    """extra_body={'temperature': 1} was sent as temperature 0 (the judge's), while the cache identity said 1."""
    with pytest.raises(InputError, match=rf"^extra_body sets '{field}', which the judge sets itself .*: use the {option} option"):
        OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", modalities=("text",), extra_body={field: 1, "top_p": 0.5})


@pytest.mark.parametrize("extra_body", [{"top_p": np.float32(0.9)}, {"top_p": float("nan")},
                                        {"chat_template_kwargs": {"enable_thinking": object()}}])
def test_an_extra_body_value_that_is_not_json_is_refused_when_the_judge_is_built(extra_body):
    """A NumPy number was a TypeError at the first request, stopping the run; a nan went out as NaN, which is no JSON."""
    with pytest.raises(InputError, match=r"^extra_body=.*: not JSON \(.*\); give plain numbers, strings, booleans, lists and "
                                         r"tables \(float\(x\) for a NumPy number\)$"):
        OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", modalities=("text",), extra_body=extra_body)


def test_the_subtitle_is_withheld_when_text_is_not_a_modality(video):
    with FakeChatServer() as server:
        judge_for(server, num_frames=1, modalities=("video",)).judge(Clip("c1", video, subtitle="We finally made it home"))
    assert "We finally made it home" not in server.requests[0]["messages"][0]["content"][0]["text"]


def test_an_answer_given_in_parts_is_read_as_their_joined_text():
    parts = [{"type": "text", "text": "happy, "}, {"type": "text", "text": "relieved"}]
    with FakeChatServer([(200, completion(parts), 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert verdict.words == ["happy", "relieved"]


def test_an_answer_part_whose_text_is_null_counts_as_empty_not_a_crash():
    parts = [{"type": "text", "text": None}, {"type": "text", "text": "happy"}]
    with FakeChatServer([(200, completion(parts), 0.0)]) as server:
        verdicts = judge_for(server, modalities=("text",)).judge_batch([Clip("c1", subtitle="hi"), Clip("c2", subtitle="yo")])
    assert [(v.words, v.error) for v in verdicts] == [(["happy"], None)] * 2


def test_an_empty_modalities_list_is_refused():
    with pytest.raises(InputError, match="modalities"):
        OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", modalities=())


def test_a_trailing_slash_on_the_base_url_does_not_change_the_judge():
    judge = OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1/")
    assert judge.cache_identity() == OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1").cache_identity()


@pytest.mark.parametrize("option", [{"max_concurrency": 0}, {"timeout": -1.0}, {"base_url": "127.0.0.1:23333/v1"},
                                    {"max_unreachable": 0}, {"startup_wait": -1.0}, {"startup_wait": "300"}])
def test_a_bad_option_is_refused_naming_it(option):
    params = {"base_url": "http://127.0.0.1:1/v1", **option}
    with pytest.raises(InputError, match=next(iter(option))):
        OpenAIJudge(model="m", **params)


def test_an_audio_only_describer_is_asked_to_describe_the_audio(video):
    with FakeChatServer([(200, completion("A trembling voice."), 0.0)]) as server:
        judge_for(server, mode="describe", modalities=("audio",)).judge(Clip("c1", video))
    assert server.requests[0]["messages"][0]["content"][0]["text"] == prompts.DESCRIBE_AUDIO


def test_the_message_is_the_instruction_alone_as_text_then_one_image_per_frame(video):
    """No 'FrameN:' text between the images: LMDeploy would read 'Frame1:' alone if it came first, and vLLM, for a
    template of plain text, would join the labels after the instruction, after every image's placeholder."""
    with FakeChatServer() as server:
        judge_for(server, num_frames=2, modalities=("video", "audio", "text")).judge(Clip("c1", video))
    parts = server.requests[0]["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url", "image_url", "input_audio"]
    assert parts[0]["text"].startswith("As an expert in emotion recognition")


def lmdeploy_reply(body: dict) -> Reply:
    """LMDeploy's api_server with a vision model: of a message's text parts it reads the first alone (lmdeploy/vl/model's
    proc_messages: content[0]), the images before it; its model answers what that text asks."""
    first = next(p["text"] for p in body["messages"][0]["content"] if p["type"] == "text")
    asked = "comma-separated list of emotion words" in first
    return 200, completion("tense, worried" if asked else "The first frame shows a man at a desk."), 0.0


def test_the_instruction_is_the_first_text_part_the_one_lmdeploys_api_server_reads(video):
    """Sent after 'FrameN:' labels and the frames, LMDeploy read only 'Frame1:': the model was never asked for emotion words."""
    with FakeChatServer(reply=lmdeploy_reply) as server:
        verdict = judge_for(server, num_frames=3).judge(Clip("c1", video, subtitle="Not again."))
    assert (verdict.words, verdict.error) == (["tense", "worried"], None)


def test_verdicts_asked_with_the_instruction_after_the_frames_are_not_replayed_but_a_text_judges_are():
    with_frames, text_only = (OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", modalities=m).cache_identity()
                              for m in (("video", "text"), ("text",)))
    assert with_frames["instruction_first"] is True and "instruction_first" not in text_only


def test_a_server_error_whose_body_is_cut_off_is_retried_not_raised():
    """A 5xx whose body ends early (a proxy dropping the connection) is retried like any 5xx."""
    calls = []

    class CutOff(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            calls.append(1)
            data = b"partial" if len(calls) == 1 else json.dumps(completion("sad")).encode()
            self.send_response(502 if len(calls) == 1 else 200)
            self.send_header("Content-Length", str(len(data) + 100 if len(calls) == 1 else len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

    with serving(CutOff) as url:
        judge = OpenAIJudge(model="m", base_url=url, api_key_env=None, modalities=("text",), backoff=0.01, timeout=5.0)
        verdict = judge.judge(Clip("c1", subtitle="hi"))
    assert (verdict.words, verdict.error, len(calls)) == (["sad"], None, 2)


def test_a_judge_that_needs_frames_is_refused_when_built_if_pyav_is_missing(monkeypatch):
    """Not one 'ModuleNotFoundError' verdict per clip (cached as failures): one line with the install command."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "av" else real(name, *a))
    with pytest.raises(InputError, match=r"judge 'm' decodes video and audio with av.*pip install -e '\.\[media\]'"):
        OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1")
    assert OpenAIJudge(model="t", base_url="http://127.0.0.1:1/v1", modalities=("text",)).name == "t"  # text only: no media


def test_a_negative_backoff_is_refused_not_a_crash_at_the_first_retry():
    """time.sleep(-1) raised ValueError out of judge_batch when the first request failed."""
    with pytest.raises(InputError, match="backoff=-1"):
        OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", backoff=-1)


def test_a_describer_that_neither_sees_nor_hears_is_refused():
    """With modalities ["text"] it was sent only 'describe the facial expressions... in this clip': no media, no subtitle."""
    with pytest.raises(InputError, match=r"mode='describe' needs 'video' or 'audio' in modalities"):
        OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", mode="describe", modalities=("text",))


def cut_off(text: str | None) -> dict:
    """A completion that hit ``max_tokens``."""
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "length"}]}


def test_a_description_cut_off_in_its_thinking_is_told_no_description_was_left_not_no_emotion_word(video):
    # stage one's error said 'cut off at max_tokens=512 before any emotion word', though it is asked for a description
    with FakeChatServer([(200, cut_off("<think>She frowns, so maybe"), 0.0)]) as server:
        verdict = judge_for(server, mode="describe", num_frames=1).judge(Clip("c1", video))
    assert verdict.error.startswith("the answer was cut off at max_tokens=512 before any description (")


def finished(text: str | None, reason: str) -> dict:
    """A completion the server ended with ``finish_reason`` ``reason``."""
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": reason}]}


def test_an_engine_error_lmdeploy_ends_with_finish_reason_error_fails_the_clip_instead_of_being_its_words():
    """LMDeploy's api_server answers 200 with the engine's message as the text: it was the verdict ['internal error happened']."""
    said = "internal error happened, status code ResponseType.INPUT_LENGTH_ERROR"
    with FakeChatServer([(200, finished(said, "error"), 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert verdict.words == []
    assert verdict.error.startswith(f"the server ended the answer with finish_reason='error' (the server failed to generate it): {said}")


def test_an_engine_error_is_not_cached_so_the_run_after_fixing_the_server_asks_again(tmp_path):
    """It was cached: raising the api_server's session_len (no part of the cache identity) replayed INPUT_LENGTH_ERROR."""
    said = "internal error happened, status code ResponseType.INPUT_LENGTH_ERROR"
    verdicts, requests = two_cached_runs((200, finished(said, "error"), 0.0), tmp_path)
    assert verdicts[0].transient and verdicts[0].error.endswith("(not cached, the next run asks again)")
    assert (verdicts[1].words, requests) == (["calm"], 2)


def test_a_prompt_that_filled_the_servers_context_is_told_so_and_not_cached(tmp_path):
    # LMDeploy's api_server answers a prompt past its --session-len with no text, 'length' and no token generated: it was
    # told to raise max_tokens, and cached, so the run after raising --session-len replayed it
    filled = cut_off("")
    filled["usage"] = {"prompt_tokens": 16500, "completion_tokens": 0, "total_tokens": 16500}
    verdicts, requests = two_cached_runs((200, filled, 0.0), tmp_path)
    assert verdicts[0].transient and "the prompt filled its context length; raise it on the server" in verdicts[0].error
    assert (verdicts[1].words, requests) == (["calm"], 2)


def test_an_empty_answer_cut_off_after_generating_tokens_still_says_to_raise_max_tokens():
    thought = cut_off("")
    thought["usage"] = {"prompt_tokens": 100, "completion_tokens": 64, "total_tokens": 164}
    with FakeChatServer([(200, thought, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert "raise max_tokens" in verdict.error and "context length" not in verdict.error


def test_an_answer_the_content_filter_withheld_fails_the_clip_instead_of_reading_what_was_left():
    with FakeChatServer([(200, finished("Happy, ang", "content_filter"), 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert verdict.words == [] and "finish_reason='content_filter' (the server's content filter withheld it)" in verdict.error


def test_an_answer_the_server_aborted_fails_the_clip_and_is_not_cached(tmp_path):
    verdicts, requests = two_cached_runs((200, finished("", "abort"), 0.0), tmp_path)
    assert verdicts[0].transient and "finish_reason='abort'" in verdicts[0].error
    assert (verdicts[1].words, requests) == (["calm"], 2)


def test_a_refusal_with_no_content_fails_saying_the_model_refused_not_that_it_is_no_chat_model():
    refused = completion("")
    refused["choices"][0]["message"].update(content=None, refusal="I'm sorry, I can't help with identifying that.")
    with FakeChatServer([(200, refused, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert verdict.error == "the model refused to answer: I'm sorry, I can't help with identifying that."


def test_an_answer_cut_off_at_max_tokens_loses_its_unfinished_last_word():
    with FakeChatServer([(200, cut_off("happy, relieved, exci"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",))
        verdicts = [judge.judge(Clip("c1", subtitle="hi")), judge.extract("She smiles.", clip="c1")]
    assert [(v.words, v.error) for v in verdicts] == [(["happy", "relieved"], None)] * 2


@pytest.mark.parametrize("text", ["<think>She smiles; is she happy, or", None, ""])
def test_an_answer_cut_off_before_any_word_says_to_raise_max_tokens(text):
    with FakeChatServer([(200, cut_off(text), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_tokens=16)
        verdicts = [judge.judge(Clip("c1", subtitle="hi")), judge.extract("She smiles.", clip="c1")]
    assert all(v.words == [] and "max_tokens=16" in v.error for v in verdicts)


@pytest.mark.parametrize("text", ["happ", "<think>She smiles.</think>\nhapp", "Emotions: happ"])
def test_an_answer_whose_only_word_is_cut_in_two_says_to_raise_max_tokens(text):
    with FakeChatServer([(200, cut_off(text), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_tokens=16)
        verdicts = [judge.judge(Clip("c1", subtitle="hi")), judge.extract("She smiles.", clip="c1")]
    assert all(v.words == [] and "max_tokens=16" in v.error for v in verdicts)


@pytest.mark.parametrize("text", ["<think>She frowns: sad.</think>", "<think>She frowns: sad.</think>\n  "])
def test_a_reasoning_model_that_thought_and_then_said_nothing_is_told_its_answer_after_think_was_empty(text):
    # it was told to check that the model is an instruct model, though it had answered in its thinking
    with FakeChatServer([(200, completion(text), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_tokens=16)
        verdicts = [judge.judge(Clip("c1", subtitle="hi")), judge.extract("She frowns.", clip="c1")]
    assert [v.error for v in verdicts] == ["empty answer; the model's answer after its </think> was empty, not cut off at "
                                           "max_tokens=16: check that the model answers the prompt after its thinking"] * 2


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_thinking_a_reasoning_parser_split_off_with_no_content_after_it_is_told_as_a_think_block_with_nothing_after(field):
    """A server's reasoning parser (LMDeploy, SGLang: reasoning_content; vLLM: reasoning) leaves content null: the error
    said to check that the model is a chat model, and the thinking was lost."""
    thought = completion("")
    thought["choices"][0]["message"].update(content=None, **{field: "She frowns: sad."})
    with FakeChatServer([(200, thought, 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_tokens=16)
        verdicts = [judge.judge(Clip("c1", subtitle="hi")), judge.extract("She frowns.", clip="c1")]
    assert [(v.error, v.raw) for v in verdicts] == [("empty answer; the model's answer after its </think> was empty, not cut "
                                                     "off at max_tokens=16: check that the model answers the prompt after its "
                                                     "thinking", "<think>She frowns: sad.</think>")] * 2


def test_an_answer_whose_think_block_never_closed_names_max_tokens_though_the_server_did_not_say_it_was_cut_off():
    # it said 'raise its token limit', naming no option
    with FakeChatServer([(200, completion("<think>She frowns; is she sad, or"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_tokens=16)
        verdicts = [judge.judge(Clip("c1", subtitle="hi")), judge.extract("She frowns.", clip="c1")]
    assert [v.error for v in verdicts] == ["empty answer; the model was still thinking when it stopped (its <think> block never "
                                           "closed): raise max_tokens (now 16)"] * 2


def test_an_unparseable_answer_names_max_tokens_only_when_the_server_cut_it_off():
    # it was only 'unparseable answer: ...', with no hint of the model or the token limit
    sentence = "The person is sitting at a table,"
    with FakeChatServer([(200, completion(sentence), 0.0), (200, cut_off(sentence + " she looks at the cam"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_tokens=16)
        whole, cut = judge.judge(Clip("c1", subtitle="hi")), judge.judge(Clip("c2", subtitle="hi"))
    assert whole.error == (f"unparseable answer: {sentence!r}; it names no emotion words: check that the model follows the prompt "
                           "(a comma-separated list of emotion words; a chat/instruct model does)")
    assert cut.error == whole.error + ", or raise max_tokens if the answer was cut off at max_tokens=16"


@pytest.mark.parametrize(("headers", "waited"), [
    ({"Retry-After": "1"}, 0.95),
    ({"retry-after-ms": "800", "Retry-After": "0"}, 0.75),  # OpenAI's and Azure's: milliseconds, read before Retry-After
], ids=["Retry-After", "retry-after-ms first"])
def test_a_429_waits_as_long_as_its_retry_after_header_asks(headers, waited):
    times: list[float] = []

    class RateLimited(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            times.append(time.monotonic())
            status, data = (429, b'{"error": {"message": "rate limited"}}') if len(times) == 1 else (200, json.dumps(completion("calm")).encode())
            self.send_response(status)
            for name, value in headers.items() if status == 429 else ():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with serving(RateLimited) as url:
        judge = OpenAIJudge(model="m", base_url=url, api_key_env=None, modalities=("text",), max_retries=1, backoff=0.01, timeout=5)
        verdict = judge.judge(Clip("c1", subtitle="hi"))
    assert (verdict.words, verdict.error) == (["calm"], None)
    assert times[1] - times[0] >= waited


def answering_with_headers(replies: list[tuple[int, dict, dict[str, str]]]) -> type[BaseHTTPRequestHandler]:
    """A handler giving ``replies`` (status, JSON body, headers) in order, the last one repeating; counts them on the class."""

    class Scripted(BaseHTTPRequestHandler):
        count = 0

        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            status, body, headers = replies[min(Scripted.count, len(replies) - 1)]
            Scripted.count += 1
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Scripted


OPENAI_QUOTA_USED_UP = {"error": {"message": "You exceeded your current quota, please check your plan and billing details.",
                                  "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}}


def test_a_429_whose_x_should_retry_header_is_false_is_not_retried_and_not_cached():
    handler = answering_with_headers([(429, OPENAI_QUOTA_USED_UP, {"x-should-retry": "false"}), (200, completion("calm"), {})])
    with serving(handler) as url:
        verdict = text_judge(url, max_retries=3).judge(Clip("c1", subtitle="hi"))
    assert handler.count == 1 and verdict.transient and verdict.error.endswith(
        "(not retried, the server's x-should-retry header saying not to); not cached, so the next run (with --cache) asks again")


def test_a_429_asking_to_wait_past_two_minutes_is_not_retried_and_says_so():
    """A quota for the day (Retry-After: 3600) cost every clip 3 retries a minute apart, as the judge capped a wait at 60 s."""
    handler = answering_with_headers([(429, {"error": {"message": "daily quota reached"}}, {"Retry-After": "3600"}),
                                      (200, completion("calm"), {})])
    with serving(handler) as url:
        verdict = text_judge(url, max_retries=3).judge(Clip("c1", subtitle="hi"))
    assert handler.count == 1 and verdict.transient and verdict.error.endswith(
        "(not retried, the server asking to wait 3600 s, past the 120 s the judge waits: a quota for the hour or the day?); "
        "not cached, so the next run (with --cache) asks again")


def test_a_400_whose_x_should_retry_header_is_true_is_retried():
    try_again = (400, {"error": {"message": "try again"}}, {"x-should-retry": "true"})
    handler = answering_with_headers([try_again, (200, completion("calm"), {})])
    with serving(handler) as url:
        verdict = text_judge(url, max_retries=1).judge(Clip("c1", subtitle="hi"))
    assert (verdict.words, verdict.error, handler.count) == (["calm"], None, 2)


def test_a_4xx_the_server_said_to_retry_that_fails_every_try_is_not_cached(tmp_path):
    try_again = (400, {"error": {"message": "try again"}}, {"x-should-retry": "true"})
    handler = answering_with_headers([try_again] * 2 + [(200, completion("calm"), {})])
    with serving(handler) as url:
        judge = text_judge(url, max_retries=1)
        first = run_judges([judge], lines(1), cache=tmp_path / "v.sqlite", progress=False)["m"]["c0"]
        second = run_judges([judge], lines(1), cache=tmp_path / "v.sqlite", progress=False)["m"]["c0"]
    assert first.transient and "(retried, as the server's x-should-retry header asks) (gave up after 2 tries" in first.error
    assert (second.words, handler.count) == (["calm"], 3)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed_and_says_which_base_url_to_set(status):
    """A 301 from http:// to https:// was followed as a GET (its 405 or 404 cached, naming the old URL); a 307 was cached."""
    handler = answering_with_headers([(status, {}, {"Location": "https://api.example.com/v1/chat/completions"})])
    with serving(handler) as url:
        verdict = text_judge(url).judge(Clip("c1", subtitle="hi"))
    why = " (a POST it redirects is sent again as a GET, without its body)" if status in (301, 302) else ""
    assert verdict.transient and verdict.error == (
        f"HTTP {status} from {url}/chat/completions: redirected to https://api.example.com/v1/chat/completions, which the "
        f"judge does not follow{why}: set base_url = 'https://api.example.com/v1'; not cached, so the next run (with --cache) "
        "asks again")


class MovedUnderV1(BaseHTTPRequestHandler):
    """A server answering at /v1/chat/completions that redirects any other path there with a relative Location (308)."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers["Content-Length"]))
        data = json.dumps(completion("calm") if self.path == "/v1/chat/completions" else {}).encode()
        self.send_response(200 if self.path == "/v1/chat/completions" else 308)
        if self.path != "/v1/chat/completions":
            self.send_header("Location", "/v1/chat/completions")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.mark.parametrize("suffix", ["", "/"])
def test_the_base_url_a_relative_redirect_names_is_the_one_that_answers(suffix):
    with serving(MovedUnderV1) as url:
        root = url.removesuffix("/v1")
        refused = text_judge(root + suffix).judge(Clip("c1", subtitle="hi"))
        given = refused.error.split("set base_url = '")[1].split("'")[0]
        answered = text_judge(given).judge(Clip("c1", subtitle="hi"))
    assert (given, answered.words, answered.error) == (url, ["calm"], None)


def test_a_redirect_to_the_url_it_was_sent_to_says_it_is_a_loop_not_which_base_url_to_set():
    """A proxy ending TLS before a server redirecting to https://: the error said to set base_url to the one given."""
    handler = answering_with_headers([(301, {}, {"Location": "/v1/chat/completions"})])
    with serving(handler) as url:
        verdict = text_judge(url).judge(Clip("c1", subtitle="hi"))
    assert verdict.transient and verdict.error.startswith(
        f"HTTP 301 from {url}/chat/completions: redirected to the URL it was sent to, a redirect loop: check the server's "
        "or its proxy's settings") and "set base_url" not in verdict.error


def test_after_a_redirect_the_judges_other_clips_are_not_sent():
    handler = answering_with_headers([(301, {}, {"Location": "/elsewhere/v1/chat/completions"})])
    with serving(handler) as url:
        verdicts = text_judge(url).judge_batch(lines(3))
    assert handler.count == 1 and all(v.error.startswith("not asked, the server having refused the same settings on an earlier "
                                                         "clip: HTTP 301") for v in verdicts[1:])


def test_a_stray_non_utf8_byte_in_an_answer_does_not_lose_the_answer():
    body = b'{"choices": [{"message": {"role": "assistant", "content": "happy, relieved, \xff"}}]}'
    with FakeChatServer([(200, body, 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",)).judge(Clip("c1", subtitle="hi"))
    assert (verdict.words, verdict.error) == (["happy", "relieved"], None)


def test_half_an_emoji_in_an_answer_is_dropped_and_the_verdict_can_be_cached(tmp_path):
    from judges.runner import run_judges

    body = b'{"choices": [{"message": {"role": "assistant", "content": "happy \\ud83d, relieved"}}]}'  # a lone surrogate
    with FakeChatServer([(200, body, 0.0)]) as server:
        verdicts = run_judges([judge_for(server, modalities=("text",))], [Clip("c1", subtitle="hi")], cache=tmp_path / "v.sqlite", progress=False)
    assert (verdicts["test-model"]["c1"].words, verdicts["test-model"]["c1"].error) == (["happy", "relieved"], None)


def test_a_server_that_was_overloaded_is_asked_again_on_the_next_cached_run(tmp_path):
    from judges.runner import run_judges

    clips = [Clip("c1", subtitle="hi")]
    with FakeChatServer([(503, "busy", 0.0), (200, completion("happy"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_retries=0)
        first = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
        second = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
    assert first.transient and "HTTP 503" in first.error and "not cached" in first.error
    assert (second.words, second.error, len(server.requests)) == (["happy"], None, 2)


@pytest.mark.parametrize("status, said", [
    (408, "<html><body><h1>408 Request Time-out</h1></body></html>"),  # a gateway that timed the request out
    (409, {"error": {"message": "The server had an error processing your request (lock timeout).", "type": "server_error"}}),
])
def test_a_408_or_409_is_retried_as_openais_client_retries_it_and_then_not_cached(tmp_path, status, said):
    clips = [Clip("c1", subtitle="hi")]
    with FakeChatServer([(status, said, 0.0)] * 2 + [(200, completion("calm"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_retries=1)
        first = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
        second = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
    assert first.transient and f"HTTP {status}" in first.error and "gave up after 2 tries" in first.error
    assert (second.words, second.error, len(server.requests)) == (["calm"], None, 3)


def test_a_client_error_is_cached_and_not_asked_again(tmp_path):
    from judges.runner import run_judges

    clips = [Clip("c1", subtitle="hi")]
    with FakeChatServer([(400, {"error": "bad model"}, 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_retries=0)
        for _ in range(2):
            verdict = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
    assert not verdict.transient and "HTTP 400" in verdict.error and len(server.requests) == 1


@pytest.mark.parametrize("body", ['{"choices": [{"message": {"role": "assist', "<html>502 Bad Gateway</html>"])
def test_a_body_that_is_no_chat_completion_is_retried_and_then_not_cached(tmp_path, body):
    """A cut-off or garbled body is the transport's fault, not the model's answer: the next run asks again."""
    clips = [Clip("c1", subtitle="hi")]
    with FakeChatServer([(200, body, 0.0), (200, body, 0.0), (200, completion("happy"), 0.0)]) as server:
        judge = judge_for(server, modalities=("text",), max_retries=1)
        first = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
        second = run_judges([judge], clips, cache=tmp_path / "v.sqlite", progress=False)["test-model"]["c1"]
    assert first.transient and "not a chat-completions response" in first.error and "not cached" in first.error
    assert (second.words, second.error, len(server.requests)) == (["happy"], None, 3)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_answer_whose_connection_closes_mid_body_is_retried_and_says_it_was_cut_off(chunked):
    """It said 'cannot reach URL: IncompleteRead(13 bytes read, 487 more expected); is the server running?'."""

    class CutOff(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header(*(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", "500")))
            self.end_headers()
            self.wfile.write(b"40\r\n{\"choices\": [" if chunked else b"{\"choices\": [")
            self.close_connection = True

    with serving(CutOff) as url:
        verdict = text_judge(url).judge(Clip("c1", subtitle="hi"))
    assert verdict.transient and verdict.error == (
        f"the answer from {url}/chat/completions was cut off: the connection closed before its end (a server or proxy that "
        "failed mid-answer, or a proxy's read timeout) (gave up after 2 tries; not cached, the next run asks again)")


def test_an_error_object_sent_with_status_200_is_retried_and_then_transient():
    busy = (200, {"error": {"message": "model overloaded", "code": 503}}, 0.0)
    with FakeChatServer([busy, (200, completion("calm"), 0.0)]) as server:
        verdict = judge_for(server, modalities=("text",), max_retries=1).judge(Clip("c1", subtitle="hi"))
    assert (verdict.words, verdict.error, len(server.requests)) == (["calm"], None, 2)
    with FakeChatServer([busy]) as server:
        verdict = judge_for(server, modalities=("text",), max_retries=1).judge(Clip("c1", subtitle="hi"))
    assert verdict.transient and "answered with an error" in verdict.error and "model overloaded" in verdict.error


# -- a server that goes down mid-run: after max_unreachable requests in a row cannot reach it, the judge stops asking --


def nothing_listening() -> str:
    """The base URL of a port on 127.0.0.1 with nothing listening on it (connection refused)."""
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def text_judge(base_url: str, **params) -> OpenAIJudge:
    params = {"modalities": ("text",), "max_retries": 1, "backoff": 0.01, "timeout": 5.0, "max_concurrency": 1, "startup_wait": 0, **params}
    return OpenAIJudge(model="m", base_url=base_url, api_key_env=None, **params)


def lines(n: int) -> list[Clip]:
    return [Clip(f"c{i}", subtitle=f"line {i}") for i in range(n)]


def test_an_https_base_url_for_a_server_speaking_plain_http_says_to_give_http():
    """It said '[SSL: WRONG_VERSION_NUMBER] wrong version number; is the server running?', and asked every clip."""
    with FakeChatServer() as server:
        url = server.url.replace("http://", "https://")
        verdicts = text_judge(url).judge_batch(lines(4))
    assert verdicts[0].transient and verdicts[0].error.startswith(f"cannot reach {url}/chat/completions: [SSL: ")
    assert ("the TLS handshake failed; if the server speaks plain HTTP there (as vLLM's and LMDeploy's do unless told "
            "otherwise), give base_url as http://") in verdicts[0].error
    assert not server.requests and verdicts[3].error.startswith(f"not asked: the server at {url} has been unreachable for 3")


@contextlib.contextmanager
def serving_tls(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A chat server on 127.0.0.1 over TLS with a self-signed certificate (made by the openssl command); its base URL and
    the certificate's file."""
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no openssl command to make a certificate with: {exc}")
    with FakeChatServer([(200, completion("calm"), 0.0)]) as server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
        yield server.url.replace("http://", "https://"), cert


def test_a_server_whose_certificate_is_not_trusted_says_to_name_its_ca_in_ssl_cert_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with serving_tls(tmp_path) as (url, cert):
        refused = text_judge(url, max_retries=0).judge(Clip("c1", subtitle="hi"))
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # as the error says
        trusted = text_judge(url, max_retries=0).judge(Clip("c1", subtitle="hi"))
    assert refused.transient and "CERTIFICATE_VERIFY_FAILED" in refused.error and refused.error.endswith(
        "the server's TLS certificate is not trusted here (self-signed, or a private CA's): point the SSL_CERT_FILE "
        "environment variable at its CA's certificate (gave up after 1 try; not cached, the next run asks again)")
    assert (trusted.words, trusted.error) == (["calm"], None)


def test_after_3_requests_in_a_row_cannot_reach_the_server_the_judge_stops_asking_it():
    with DyingServer(answers=1) as server:
        verdicts = text_judge(server.url, backoff=0.2, startup_wait=300).judge_batch(lines(7))
    assert verdicts[0].words == ["happy"] and all("cannot reach" in v.error for v in verdicts[1:4])
    assert all(v.error.startswith(f"not asked: the server at {server.url} has been unreachable for 3 requests in a row") and
               "Connection refused" in v.error and "start the server and rerun" in v.error for v in verdicts[4:])
    assert all(v.seconds < 0.1 for v in verdicts[4:])  # no retries, no backoff


def test_the_number_of_requests_in_a_row_is_max_unreachable():
    verdicts = text_judge(nothing_listening(), max_unreachable=1).judge_batch(lines(3))
    assert "cannot reach" in verdicts[0].error and all("unreachable for 1 requests in a row" in v.error for v in verdicts[1:])


def test_clips_not_asked_because_the_server_was_unreachable_are_not_cached(tmp_path):
    judge = text_judge(nothing_listening())
    out = run_judges([judge], lines(5), cache=tmp_path / "v.sqlite", progress=False)["m"]
    assert all(v.transient and "not cached" in v.error for v in out.values()) and "not asked" in out["c4"].error
    with VerdictCache(tmp_path / "v.sqlite") as cache:
        assert cache.get_many(judge, lines(5)) == {}


NGINX_502 = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"


def test_after_3_requests_in_a_row_and_one_more_clips_failed_every_try_with_the_same_5xx_the_judge_stops_asking():
    """A proxy whose server died behind it: every clip cost its 4 tries and 7 s of backoff, over the whole run."""
    with FakeChatServer([(502, NGINX_502, 0.0)]) as server:
        verdicts = text_judge(server.url, max_retries=1).judge_batch(lines(7))
    assert len(server.requests) == 4 * 2 and all("HTTP 502" in v.error and "gave up after 2 tries" in v.error for v in verdicts[:4])
    assert all(v.error.startswith(f"not asked: the server at {server.url} failed the judge's last 4 requests in a row with "
                                  "HTTP 502, each at every try (<html>") and
               "not cached, so the next run (with --cache) asks again: rerun once the server answers again" in v.error
               for v in verdicts[4:])
    assert all(v.transient for v in verdicts) and all(v.seconds < 0.1 for v in verdicts[4:])


def test_a_run_of_5xx_with_no_body_says_so_without_empty_parentheses():
    """A proxy's bare 502 read 'failed the judge's last 4 requests in a row with HTTP 502, each at every try ();'."""
    with FakeChatServer([(502, "", 0.0)]) as server:
        verdicts = text_judge(server.url, max_retries=0).judge_batch(lines(5))
    assert verdicts[4].error.startswith(f"not asked: the server at {server.url} failed the judge's last 4 requests in a row "
                                        "with HTTP 502, each at every try; not cached")


def test_a_5xx_with_no_body_says_it_had_none():
    """It read 'HTTP 502 from URL:  (gave up after 1 try; ...': a colon, then nothing."""
    with FakeChatServer([(502, "", 0.0)]) as server:
        verdict = text_judge(server.url, max_retries=0).judge(Clip("c1", subtitle="hi"))
    assert verdict.error.startswith(f"HTTP 502 from {server.url}/chat/completions: (no body) (gave up after 1 try;")


def test_three_clips_in_a_row_the_server_fails_with_a_500_do_not_stop_the_clips_after_them_that_it_answers(tmp_path):
    """A 500 to each clip of one source video (side by side in the run): it stopped every later clip, and every rerun."""
    def reply(body: dict) -> Reply:
        bad = any(f"line {i}" in body["messages"][0]["content"][0]["text"] for i in (1, 2, 3))
        return (500, {"object": "error", "message": "Internal server error", "code": 500}, 0.0) if bad else (200, completion("calm"), 0.0)

    with FakeChatServer(reply=reply) as server:
        verdicts = run_judges([text_judge(server.url)], lines(8), cache=tmp_path / "v.sqlite", progress=False)["m"]
    assert [v.words for v in verdicts.values()] == [["calm"], [], [], [], ["calm"], ["calm"], ["calm"], ["calm"]]
    assert all("HTTP 500" in verdicts[f"c{i}"].error for i in (1, 2, 3))


def test_clips_failed_or_not_asked_after_a_run_of_5xx_are_not_cached_so_the_rerun_asks_them(tmp_path):
    script = [(503, {"error": {"message": "overloaded"}}, 0.0)] * 4 + [(200, completion("calm"), 0.0)]
    with FakeChatServer(script) as server:
        first = run_judges([text_judge(server.url, max_retries=0)], lines(6), cache=tmp_path / "v.sqlite", progress=False)["m"]
        second = run_judges([text_judge(server.url, max_retries=0)], lines(6), cache=tmp_path / "v.sqlite", progress=False)["m"]
    assert [v.error.split(" ")[:2] for v in first.values()] == [["HTTP", "503"]] * 4 + [["not", "asked:"]] * 2
    assert [v.words for v in second.values()] == [["calm"]] * 6 and len(server.requests) == 4 + 6


def test_5xx_between_answers_do_not_stop_the_judge():
    script = [(500, "boom", 0.0)] * 2 + [(200, completion("calm"), 0.0)] + [(500, "boom", 0.0)] * 2 + [(200, completion("calm"), 0.0)]
    with FakeChatServer(script) as server:
        verdicts = text_judge(server.url, max_retries=0).judge_batch(lines(7))
    assert len(server.requests) == 7 and [v.words for v in verdicts] == [[], [], ["calm"], [], [], ["calm"], ["calm"]]


def test_a_run_of_5xx_of_different_statuses_stops_the_judge_as_one_status_does():
    """A proxy's 502s and 504s for one server down: 20 clips took 35 s and 80 requests, each clip all its tries."""
    script = [(502, NGINX_502, 0.0), (504, "Gateway Time-out", 0.0), (503, "no healthy upstream", 0.0)] * 3
    with FakeChatServer(script) as server:
        verdicts = text_judge(server.url, max_retries=0).judge_batch(lines(6))
    assert len(server.requests) == 4 and all(v.error.startswith(
        f"not asked: the server at {server.url} failed the judge's last 4 requests in a row with HTTP 5xx, each at every try "
        "(<html>") for v in verdicts[4:])


def test_a_run_of_another_status_starts_the_count_again():
    script = [(408, "Request Timeout", 0.0)] * 2 + [(504, "Gateway Time-out", 0.0)] * 2 + [(200, completion("calm"), 0.0)]
    with FakeChatServer(script) as server:
        verdicts = text_judge(server.url, max_retries=0).judge_batch(lines(5))
    assert len(server.requests) == 5 and verdicts[4].words == ["calm"]


def test_after_3_requests_in_a_row_got_a_web_page_at_every_try_the_judge_stops_asking():
    """base_url at a web app's port, which answers any POST with its page: every clip cost its tries and backoff."""
    page = "<!doctype html><html><head><title>Open WebUI</title></head><body></body></html>"
    with FakeChatServer([(200, page, 0.0)]) as server:
        verdicts = text_judge(server.url).judge_batch(lines(6))
    assert len(server.requests) == 4 * 2 and all("not a chat-completions response" in v.error for v in verdicts[:4])
    assert all(v.transient and v.error.startswith(
        f"not asked: the server at {server.url} failed the judge's last 4 requests in a row with a body that is no chat "
        "completion, each at every try ('<!doctype html>") for v in verdicts[4:])


def test_a_used_up_quota_whose_429_says_not_to_retry_stops_the_judge_after_3_requests():
    handler = answering_with_headers([(429, OPENAI_QUOTA_USED_UP, {"x-should-retry": "false"})])
    with serving(handler) as url:
        verdicts = text_judge(url, max_retries=3).judge_batch(lines(6))
    assert handler.count == 4 and all("failed the judge's last 4 requests in a row with HTTP 429" in v.error for v in verdicts[4:])


def test_a_rate_limit_429_is_not_counted_as_a_server_down():
    script = [(429, {"error": {"message": "rate limited"}}, 0.0)] * 4 + [(200, completion("calm"), 0.0)]
    with FakeChatServer(script) as server:
        verdicts = text_judge(server.url, max_retries=0).judge_batch(lines(5))
    assert len(server.requests) == 5 and verdicts[4].words == ["calm"]


def test_a_judge_stopped_by_a_run_of_5xx_asks_again_once_the_server_answers(monkeypatch):
    monkeypatch.setattr("judges.openai_judge._ASK_AGAIN_AFTER", 0.3)
    with FakeChatServer([(500, "boom", 0.0)] * 4 + [(200, completion("calm"), 0.0)]) as server:
        judge = text_judge(server.url, max_retries=0)
        stopped = judge.judge_batch(lines(5))
        time.sleep(0.3)
        resumed = judge.judge_batch(lines(3))
    assert "not asked" in stopped[4].error and [v.words for v in resumed] == [["calm"]] * 3 and len(server.requests) == 7


def test_after_3_requests_in_a_row_timed_out_at_every_try_the_judge_stops_asking():
    """A server that accepts connections and never answers (a hung engine) cost every clip all its tries of timeout s."""
    with FakeChatServer([(200, completion("calm"), 1.0)]) as server:
        verdicts = text_judge(server.url, timeout=0.2).judge_batch(lines(5))
    assert len(server.requests) == 3 * 2 and all("no answer from" in v.error and "within 0.2 s" in v.error for v in verdicts[:3])
    assert all(v.transient and v.error.startswith(
        f"not asked: the server at {server.url} answered none of the judge's last 3 requests in a row within timeout=0.2 s, at "
        "any try; not cached, so the next run (with --cache) asks again: rerun once the server answers again (or, if it is "
        "only slow, with a longer timeout)") for v in verdicts[3:])


def test_a_server_slow_on_some_clips_only_is_still_asked_every_clip():
    with FakeChatServer(reply=lambda body: (200, completion("calm"), 0.0 if "line 2" in json.dumps(body) else 1.0)) as server:
        verdicts = text_judge(server.url, max_retries=0, timeout=0.2).judge_batch(lines(3) + lines(3))
    assert len(server.requests) == 6 and [v.words for v in verdicts] == [[], [], ["calm"]] * 2


def test_connecting_that_times_out_counts_as_unreachable():
    full = socket.socket()  # a backlog of 0, filled by one connection never accepted: the next connect times out
    full.bind(("127.0.0.1", 0))
    full.listen(0)
    filler = socket.create_connection(full.getsockname())
    with full, filler:
        verdicts = text_judge(f"http://127.0.0.1:{full.getsockname()[1]}/v1", max_retries=0, timeout=0.3).judge_batch(lines(4))
    assert "unreachable for 3 requests in a row (connecting timed out)" in verdicts[3].error


def test_a_request_that_reaches_the_server_again_sets_the_count_back_to_0():
    down = nothing_listening()
    with FakeChatServer([(200, completion("calm"), 0.0)]) as server:
        judge = text_judge(down)
        for base_url, n in [(down, 2), (server.url, 1), (down, 2), (server.url, 1)]:
            judge.base_url = base_url  # the server down, up, down, up
            judge.judge_batch(lines(n))
    assert len(server.requests) == 2


def test_the_count_is_shared_by_the_judges_request_threads():
    verdicts = text_judge(nothing_listening(), max_concurrency=4, backoff=0.2).judge_batch(lines(40))
    asked = sum("cannot reach" in v.error for v in verdicts)
    assert 3 <= asked <= 3 + 4 and all("not asked" in v.error for v in verdicts if "cannot reach" not in v.error)


class DyingServer(FakeChatServer):
    """Answers "happy" ``answers`` times, then stops listening (before its last answer goes out): a server down mid-run."""

    def __init__(self, answers: int):
        def reply(body: dict) -> Reply:
            if len(self.requests) == answers:
                self.httpd.shutdown()
                self.httpd.server_close()
            return 200, completion("happy"), 0.0

        super().__init__(reply=reply)

    def __exit__(self, *exc) -> None:
        self.thread.join(timeout=5)


def test_a_run_whose_server_dies_keeps_the_clips_answered_before_and_caches_only_them(tmp_path):
    with DyingServer(answers=4) as server:
        judge = text_judge(server.url)
        out = run_judges([judge], lines(10), cache=tmp_path / "v.sqlite", progress=False, batch_size=3)["m"]
    assert list(out) == [clip.name for clip in lines(10)]
    assert [out[f"c{i}"].words for i in range(4)] == [["happy"]] * 4
    assert [v.error.split(":")[0] for v in list(out.values())[4:]] == ["cannot reach http"] * 3 + ["not asked"] * 3
    with VerdictCache(tmp_path / "v.sqlite") as cache:
        assert {name: v.words for name, v in cache.get_many(judge, lines(10)).items()} == {f"c{i}": ["happy"] for i in range(4)}


class Describer(OpenAIJudge):
    """Describes every clip at once ("A frown."), asking no server."""

    def judge_batch(self, clips: list[Clip]) -> list[Verdict]:
        return [Verdict(self.name, clip.name, description="A frown.") for clip in clips]


def test_a_two_stage_extractor_whose_server_is_down_stops_asking_it():
    describer = Describer(model="d", mode="describe", modalities=("video",), num_frames=0)
    verdicts = TwoStageJudge(describer, text_judge(nothing_listening())).judge_batch(lines(5))
    assert [v.transient for v in verdicts] == [True] * 5
    assert all(v.error.startswith("stage 2 (m): not asked: the server at") for v in verdicts[3:])


def given_up_judge(monkeypatch: pytest.MonkeyPatch, ask_again_after: float, **params) -> OpenAIJudge:
    """A text judge that gave its server (nothing listening) up at its first miss, and tries it again ``ask_again_after``
    seconds after a miss."""
    monkeypatch.setattr("judges.openai_judge._ASK_AGAIN_AFTER", ask_again_after)
    judge = text_judge(nothing_listening(), max_unreachable=1, **params)
    judge.judge_batch(lines(1))
    return judge


def test_a_judge_that_stopped_asking_tries_the_server_again_after_a_while(monkeypatch):
    """A judge kept between runs (a notebook's CoJudge) finds its server again once it is started."""
    judge = given_up_judge(monkeypatch, 0.3)
    with FakeChatServer([(200, completion("calm"), 0.0)]) as server:
        judge.base_url = server.url  # the server started
        refused = judge.judge_batch(lines(1))
        time.sleep(0.3)
        verdicts = judge.judge_batch(lines(3))
    assert "not asked" in refused[0].error
    assert [v.words for v in verdicts] == [["calm"]] * 3 and len(server.requests) == 3


def test_when_a_given_up_server_is_tried_again_the_rest_of_the_batch_waits_for_that_try(monkeypatch):
    # with max_concurrency > 1 the batch's other requests were refused "not asked" while the one try was in flight,
    # though the server was back: 1 of 6 clips judged every 30 s
    judge = given_up_judge(monkeypatch, 0.3, max_concurrency=4)
    with FakeChatServer([(200, completion("calm"), 0.1)]) as server:
        judge.base_url = server.url  # the server started
        time.sleep(0.3)
        verdicts = judge.judge_batch(lines(6))
    assert [v.words for v in verdicts] == [["calm"]] * 6 and len(server.requests) == 6


def test_a_given_up_server_not_yet_due_for_a_try_refuses_the_whole_batch_unsent(monkeypatch):
    judge = given_up_judge(monkeypatch, 30.0, max_concurrency=4)
    with FakeChatServer([(200, completion("calm"), 0.0)]) as server:
        judge.base_url = server.url
        verdicts = judge.judge_batch(lines(6))
    assert all(v.transient and "not asked" in v.error for v in verdicts) and server.requests == []


def test_a_clip_not_asked_says_a_rerun_in_the_same_session_waits_for_the_next_try():
    # it said only 'start the server and rerun', and a notebook's rerun within 30 s was refused again, all of it
    judge = text_judge(nothing_listening(), max_unreachable=1)
    judge.judge_batch(lines(1))
    [verdict] = judge.judge_batch(lines(1))
    assert verdict.error.endswith("(a rerun in this Python session, a notebook's, is not asked until 30 s after the last miss)")


# -- a server still starting: the count stops nothing until the server has once answered, for startup_wait seconds --


@contextlib.contextmanager
def server_starting_after(seconds: float) -> Iterator[tuple[str, FakeChatServer]]:
    """A base URL refusing connections for ``seconds`` (a server loading its model), then answering "calm"; and its server."""
    url = nothing_listening()
    server = FakeChatServer([(200, completion("calm"), 0.0)])
    handler = server.httpd.RequestHandlerClass
    server.httpd.server_close()

    def start() -> None:
        time.sleep(seconds)
        server.httpd = ThreadingHTTPServer(("127.0.0.1", int(url.split(":")[2].split("/")[0])), handler)
        server.httpd.daemon_threads = True
        server.thread = threading.Thread(target=server.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        server.thread.start()

    starter = threading.Thread(target=start, daemon=True)
    starter.start()
    try:
        yield url, server
    finally:
        starter.join()
        server.__exit__()


def test_a_server_still_loading_its_model_when_the_run_starts_is_waited_for_not_given_up():
    # it was given up after 3 refused requests: every clip of the next 30 s failed at once, not asked
    with server_starting_after(1.0) as (url, server), pytest.warns(UserWarning, match="waiting up to 300 s"):
        verdicts = text_judge(url, backoff=0.3, startup_wait=300).judge_batch(lines(12))
    assert not any("not asked" in (v.error or "") for v in verdicts)
    assert verdicts[-1].words == ["calm"] and len(server.requests) >= 4


def test_a_server_never_reached_is_given_up_after_startup_wait_with_an_error_saying_to_check_its_url():
    url = nothing_listening()
    start = time.monotonic()
    with pytest.warns(UserWarning, match="waiting up to 0.6 s"):
        verdicts = text_judge(url, backoff=0.1, startup_wait=0.6).judge_batch(lines(100))
    assert time.monotonic() - start < 5.0  # 0.1 s a clip, each asked: 10 s
    asked = [v for v in verdicts if "cannot reach" in v.error]
    assert len(asked) >= 3 and verdicts[:len(asked)] == asked  # asked for 0.6 s, and 3 requests at least
    assert verdicts[-1].error.startswith(f"not asked: the server at {url} has been unreachable for ")
    assert ("and has not answered once in the 0.6 s since the judge first missed it; not cached, so the next run (with --cache) asks again: "
            "check that base_url is the server's URL and that the server is running, and rerun (for one loading its model "
            "for longer, raise startup_wait)") in verdicts[-1].error


def test_a_server_refusing_connections_with_no_startup_wait_is_given_up_without_naming_a_wait_of_0_s():
    # it said 'has not answered once in the 0 s since the judge first missed it' and 'for longer, raise startup_wait'
    verdicts = text_judge(nothing_listening(), max_retries=0, startup_wait=0).judge_batch(lines(5))
    assert verdicts[-1].error.startswith("not asked: ")
    assert ("Connection refused) and has not answered once; not cached, so the next run (with --cache) asks again: check "
            "that base_url is the server's URL and that the server is running, and rerun (for one loading its model first, "
            "give it time with startup_wait)") in verdicts[-1].error


@contextlib.contextmanager
def url_not_refusing(cause: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A base URL that cannot be reached, not by a refused connection: its host name not resolved, or its connects
    timing out (a backlog of 0, filled by one connection never accepted: a host that drops packets)."""
    if cause == "name not resolved":
        real = socket.getaddrinfo

        def getaddrinfo(host: str, *args, **kwargs):
            if host == "judge-server.invalid":
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return real(host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield "http://judge-server.invalid:23333/v1"
        return
    full = socket.socket()
    full.bind(("127.0.0.1", 0))
    full.listen(0)
    with full, socket.create_connection(full.getsockname()):
        yield f"http://127.0.0.1:{full.getsockname()[1]}/v1"


@pytest.mark.parametrize("cause", ["name not resolved", "connecting timed out"])
def test_only_a_refused_connection_is_waited_for_at_the_start_other_misses_give_the_server_up_at_once(cause, monkeypatch):
    # a wrong host name, or a host dropping packets, is no server loading its model: it was asked for startup_wait
    # (300 s by default, 310 s for a wrong host where it took 14 s), and a dropped-packets host for twice the time
    with url_not_refusing(cause, monkeypatch) as url:
        verdicts = text_judge(url, max_retries=0, timeout=0.3, startup_wait=300).judge_batch(lines(5))
    assert [v.error.startswith("not asked") for v in verdicts] == [False] * 3 + [True] * 2
    assert verdicts[-1].error.startswith(f"not asked: the server at {url} has been unreachable for 3 requests in a row (")
    assert ("and has not answered once; not cached, so the next run (with --cache) asks again: check that base_url is the "
            "server's URL and that the server is running, and rerun (a rerun") in verdicts[-1].error


def test_a_built_judge_pickles_for_another_process_and_its_copy_asks_the_server():
    # a built judge given to run_judges_ray failed "cannot pickle '_thread.lock'", though the runner says HTTP judges ship
    with FakeChatServer([(200, completion("calm"), 0.0)]) as server:
        copy = pickle.loads(pickle.dumps(text_judge(server.url, max_concurrency=2)))
        verdicts = copy.judge_batch(lines(2))
    assert [v.words for v in verdicts] == [["calm"], ["calm"]] and copy.max_concurrency == 2


def test_a_pickled_copy_keeps_the_breakers_settings_but_not_its_count():
    judge = text_judge(nothing_listening(), max_unreachable=2)
    judge.judge_batch(lines(3))  # given up here
    copy = pickle.loads(pickle.dumps(judge))
    verdicts = copy.judge_batch(lines(3))
    assert "cannot reach" in verdicts[0].error and "unreachable for 2 requests in a row" in verdicts[2].error


def test_a_pickled_copy_of_a_judge_whose_settings_were_refused_does_not_send_them_either():
    with FakeChatServer(reply=refuses_any_temperature) as server:
        judge = text_judge(server.url)
        judge.judge(Clip("c1", subtitle="hi"))
        verdict = pickle.loads(pickle.dumps(judge)).judge(Clip("c2", subtitle="hi"))
    assert len(server.requests) == 1 and verdict.error.startswith("not asked, the server having refused the same settings")


# -- a pickled copy (a Ray actor's) and the API key: one read from the environment is read again where the copy runs --


def test_a_pickled_judge_whose_key_came_from_the_environment_does_not_carry_it(monkeypatch):
    """The pickle goes to Ray's object store (and may be spilled to disk, or logged): the key stays out of it."""
    monkeypatch.setenv("MEROV_TEST_KEY", "sk-right-0123456789")
    data = pickle.dumps(key_judge("http://127.0.0.1:1/v1", api_key_env="MEROV_TEST_KEY"))
    assert b"sk-right-0123456789" not in data and b"MEROV_TEST_KEY" in data


def test_a_pickled_copy_reads_the_key_from_the_environment_where_it_runs(monkeypatch):
    monkeypatch.setenv("MEROV_TEST_KEY", "sk-wrong")
    data = pickle.dumps(key_judge("http://127.0.0.1:1/v1", api_key_env="MEROV_TEST_KEY"))
    monkeypatch.setenv("MEROV_TEST_KEY", "sk-right")  # the worker's environment: another machine's, or Ray's runtime_env
    with key_checking_server() as (url, keys):
        copy = pickle.loads(data)
        copy.base_url = url
        verdict = copy.judge(Clip("c1", subtitle="hi"))
    assert keys == ["Bearer sk-right"] and verdict.words == ["calm"]


def test_a_pickled_copy_where_the_variable_is_not_set_says_so_in_its_401(monkeypatch):
    monkeypatch.setenv("MEROV_TEST_KEY", "sk-right")
    data = pickle.dumps(key_judge("http://127.0.0.1:1/v1", api_key_env="MEROV_TEST_KEY"))
    monkeypatch.delenv("MEROV_TEST_KEY")
    with key_checking_server() as (url, keys):
        copy = pickle.loads(data)
        copy.base_url = url
        verdict = copy.judge(Clip("c1", subtitle="hi"))
    assert keys == [""] and verdict.error.endswith(
        "(the server refused the API key: the judge sent no key, the environment variable MEROV_TEST_KEY (api_key_env) not "
        "being set where this copy of the judge runs (a pickled copy, a Ray worker's, reads it there, not where the judge was "
        "built): set it there (on a Ray cluster, ray.init's runtime_env={'env_vars': {...}}), or give api_key); not cached, "
        "so the next run (with --cache) asks again")


def test_a_pickled_copy_whose_key_was_given_as_api_key_carries_it(monkeypatch):
    """An api_key given explicitly has nowhere else to be read: it travels with the copy."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    data = pickle.dumps(key_judge("http://127.0.0.1:1/v1", api_key="sk-right", api_key_env="OPENAI_API_KEY"))
    with key_checking_server() as (url, keys):
        copy = pickle.loads(data)
        copy.base_url = url
        verdict = copy.judge(Clip("c1", subtitle="hi"))
    assert keys == ["Bearer sk-right"] and verdict.words == ["calm"]


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_a_copy_in_the_same_process_keeps_the_key_read_from_the_environment(monkeypatch, copier):
    # copy.copy and copy.deepcopy went through __getstate__, so the copy read the variable again: unset (or changed) since
    # the judge was built, the copy sent no key, its 401 saying it ran in a Ray worker
    monkeypatch.setenv("MEROV_TEST_KEY", "sk-right")
    judge = key_judge("http://127.0.0.1:1/v1", api_key_env="MEROV_TEST_KEY")
    monkeypatch.delenv("MEROV_TEST_KEY")
    with key_checking_server() as (url, keys):
        copied = copier(judge)
        copied.base_url = url
        verdict = copied.judge(Clip("c1", subtitle="hi"))
    assert keys == ["Bearer sk-right"] and verdict.words == ["calm"]


def test_a_deep_copy_has_its_own_extra_body_and_request_slots():
    judge = key_judge("http://127.0.0.1:1/v1", extra_body={"top_p": 0.9})
    copied = copy.deepcopy(judge)
    assert copied.extra_body == {"top_p": 0.9} and copied.extra_body is not judge.extra_body and copied._slots is not judge._slots


# -- a server refusing connections before it has answered: the judge says once that it waits, and for how long --


def waiting_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    """The messages of the warnings saying a judge waits for a server that refuses connections."""
    return [str(w.message) for w in caught if "refuses connections" in str(w.message)]


def test_a_server_refusing_connections_is_warned_about_once_naming_the_judge_its_url_the_wait_and_the_fix(tmp_path):
    # a wrong port was waited for startup_wait seconds (300 by default) with nothing said, the progress bar still
    url = nothing_listening()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # a repeat at the same line would show too
        run_judges([text_judge(url, max_concurrency=4, startup_wait=0.5)], lines(40), progress=False, batch_size=8)
    assert waiting_warnings(caught) == [
        f"judge 'm': the server at {url} refuses connections ([Errno 111] Connection refused); waiting up to 0.5 s for it to "
        "start (a server loading its model) before giving it up; if the address is wrong, check base_url and its port "
        "(startup_wait = 0 gives up without waiting)"]


def test_a_server_started_late_is_warned_about_once_while_it_is_waited_for():
    with server_starting_after(1.0) as (url, server), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        verdicts = text_judge(url, backoff=0.3, max_concurrency=2, startup_wait=300).judge_batch(lines(12))
    assert verdicts[-1].words == ["calm"] and len(waiting_warnings(caught)) == 1


def test_a_server_that_answers_at_once_is_not_warned_about():
    with FakeChatServer([(200, completion("calm"), 0.0)]) as server, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text_judge(server.url, startup_wait=300).judge_batch(lines(3))
    assert waiting_warnings(caught) == []


def test_a_judge_with_startup_wait_0_does_not_warn_of_a_wait_it_does_not_make():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text_judge(nothing_listening(), startup_wait=0).judge_batch(lines(4))
    assert waiting_warnings(caught) == []


def test_a_pickled_copy_of_a_judge_that_warned_warns_once_itself_as_its_wait_starts_afresh():
    # a copy for a Ray actor counts its own misses and waits startup_wait again: the user is told of that wait once
    judge = text_judge(nothing_listening(), startup_wait=0.3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        judge.judge_batch(lines(2))
        copy = pickle.loads(pickle.dumps(judge))
        judge.judge_batch(lines(2))
        copy.judge_batch(lines(2))
        copy.judge_batch(lines(2))
    assert len(waiting_warnings(caught)) == 2


def test_a_two_stage_extractor_refusing_connections_is_warned_about_once_in_a_run_of_many_batches():
    describer = Describer(model="d", mode="describe", modalities=("video",), num_frames=0)
    extractor = text_judge(nothing_listening(), name="extract", max_concurrency=4, startup_wait=0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_judges([TwoStageJudge(describer, extractor)], lines(24), progress=False, batch_size=4)
    assert [message.split(":")[0] for message in waiting_warnings(caught)] == ["judge 'extract'"]
