"""A CPU judge of what is said: speech to text (Whisper tiny.en), then the emotion lexicons.

The clip's subtitle is read when it has one (the only way for Chinese
clips: the bundled speech model knows English only); otherwise the audio
track is transcribed with :class:`~judges.speech_to_text.SpeechToText` and
the transcript judged by :class:`~judges.text_lexicon_judge.TextLexiconJudge`.
A clip without an audio track, or whose audio holds no speech, gives an
empty verdict that says so in ``raw`` (nothing failed); an unreadable video
gives an error verdict. ``Verdict.description`` holds the transcript.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.media import MediaSpec, require_media
from judges.option_values import is_flag
from judges.registry import register_judge
from judges.speech_to_text import SpeechToText
from judges.text_lexicon_judge import TextLexiconJudge
from judges.verdict import Verdict

__all__ = ["SpeechTextJudge"]


@register_judge("speech-text")
class SpeechTextJudge(Judge):
    """Transcribes a clip's English speech (unless it has a subtitle) and judges the words by lexicon.

    >>> judge = SpeechTextJudge()                                   # doctest: +SKIP
    >>> verdict = judge.judge(Clip.from_path("happy_speech.mp4"))   # doctest: +SKIP
    >>> verdict.description, verdict.words                          # doctest: +SKIP
    ('I am so happy today, this is wonderful news.', ['happy'])
    """

    modalities = frozenset({"audio", "text"})
    concurrency = "process"

    def __init__(
        self,
        name: str = "speech-text",
        use_subtitle: bool = True,
        model: str | Path | None = None,
        beam_size: int = 1,
        cpu_threads: int = 2,
        relative_threshold: float = 0.6,
        max_words: int = 3,
    ):
        if not is_flag(use_subtitle):  # "false" (quoted in a config) would read as true
            raise InputError(f"use_subtitle={use_subtitle!r}: give true or false (unquoted)")
        require_media(name)
        self.name = name
        self.use_subtitle = bool(use_subtitle)  # np.True_ as True: the cache identity is JSON
        self.speech = SpeechToText(model_path=model, beam_size=beam_size, cpu_threads=cpu_threads)
        self.text_judge = TextLexiconJudge(name=name, relative_threshold=relative_threshold, max_words=max_words)
        self.spec = MediaSpec(num_frames=0, sample_rate=SpeechToText.sample_rate)

    def cache_identity(self) -> dict[str, Any]:
        text = {k: v for k, v in self.text_judge.cache_identity().items() if k not in ("name", "class")}
        return {**super().cache_identity(), "use_subtitle": self.use_subtitle, "speech": self.speech.identity(), **text}

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        return [self._judge_clip(clip) for clip in clips]

    def _judge_clip(self, clip: Clip) -> Verdict:
        start = time.perf_counter()
        subtitle = clip.subtitle or ""
        if self.use_subtitle and subtitle.strip():
            verdict = self.text_judge.judge_text(subtitle, clip.name)
            verdict.raw = f"from the subtitle; {verdict.raw}"
        elif clip.video is None:
            return Verdict.failed(self.name, clip.name, "no video file and no subtitle for this clip; give one of them")
        else:
            try:
                verdict = self._judge_speech(clip, clip.video)
            except Exception as exc:  # a model failure on one clip must not sink the others
                return Verdict.from_exception(self.name, clip.name, exc, seconds=time.perf_counter() - start)
        verdict.seconds = time.perf_counter() - start
        return verdict

    def _judge_speech(self, clip: Clip, video: Path) -> Verdict:
        media = self.spec.decode(video)
        audio = media.audio
        if audio is None:
            return Verdict(judge=self.name, clip=clip.name, raw="no audio track to listen to")
        transcript = self.speech.transcribe(audio, video.name)
        if not transcript:
            verdict = Verdict(judge=self.name, clip=clip.name, raw=f"no speech heard in {len(audio) / SpeechToText.sample_rate:.1f} s of audio")
        else:
            verdict = self.text_judge.judge_text(transcript, clip.name)
            verdict.description = transcript
            verdict.raw = f"from speech; {verdict.raw}"
        verdict.raw = media.noted(verdict.raw)
        return verdict
