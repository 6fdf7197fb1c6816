"""AffectGPT as a judge: its inference runs in its own repo and Python environment, as a subprocess.

AffectGPT (zeroQiaoba/AffectGPT) pins its own torch, decord and LLM stack, so
it is driven from outside: the judge writes the clips to a work folder, runs
AffectGPT's inference command there, and reads what it writes in its native
formats: ``*-openset.npz`` (arrays ``filenames``, ``fileitems``: the emotion
words) and the descriptions, as ``*-reason.jsonl`` or AffectGPT's own
``<checkpoint>.npz`` holding ``name2reason``.

The default command follows AffectGPT's entry point ``inference_hybird.py``::

    {python} -u inference_hybird.py --zeroshot --dataset={dataset} --cfg-path={cfg_path}
        --options inference.ckpt_root={checkpoint_dir} inference.test_epoch={epoch}
                  inference.base_root={output_dir}/results

which writes ``{output_dir}/results-{dataset, lower case}/<ckpt folder>/<checkpoint>.npz``.
AffectGPT picks a dataset's clips through its dataset class, so ``dataset``
names a class that reads the clip table the judge writes: ``$MEROV_CLIPS_CSV``
(columns ``name,video,subtitle``), added to ``inference_hybird.py``'s
``get_name2cls`` (which knows only AffectGPT's own datasets). Its label step (an LLM turning descriptions
into ``*-openset.npz``) can be a second command; without one, give
``extractor`` (e.g. ``{type = "lexical"}``) to take the words from the descriptions.
"""
from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from judges.answers_read_again import reads_again
from judges.base import Judge
from judges.checkpoint_revision import file_revision
from judges.clip import Clip
from judges.errors import InputError
from judges.option_values import is_flag, is_number
from judges.outputs import read_judge_output, read_reasons
from judges.registry import register_judge
from judges.text_files import user_path
from judges.two_stage import build_extractor, extracted
from judges.verdict import Verdict

__all__ = ["AffectGPTJudge", "DEFAULT_COMMAND"]

DEFAULT_COMMAND = (
    "{python} -u inference_hybird.py --zeroshot --dataset={dataset} --cfg-path={cfg_path} "
    "--options inference.ckpt_root={checkpoint_dir} inference.test_epoch={epoch} inference.base_root={output_dir}/results"
)
_EPOCH = re.compile(r"checkpoint_0*(\d+)")
_LOG_TAIL = 5
_NOT_CACHED = "not cached, the next run asks again"  # said by the error of a failed run


@register_judge("affectgpt")
class AffectGPTJudge(Judge):
    """Runs AffectGPT's inference on a batch of clips in a subprocess and reads its native outputs.

    ``repo`` is the AffectGPT checkout (the command runs there), ``checkpoint``
    the trained ``checkpoint_0000NN_loss_X.pth``, ``python`` the interpreter of
    AffectGPT's environment. ``command`` (one template or a list run in order)
    replaces :data:`DEFAULT_COMMAND`; its placeholders: ``{python} {repo}
    {checkpoint} {checkpoint_dir} {checkpoint_name} {epoch} {cfg_path} {dataset}
    {workdir} {clips_csv} {output_dir}`` (also in the environment as
    ``MEROV_CLIPS_CSV`` and ``MEROV_OUTPUT_DIR``). A failed or timed-out run gives
    every clip an error verdict naming the log file, which is kept; not cached
    (transient): the run failed, not the clips, so the next run asks again.

    >>> judge = AffectGPTJudge(repo="~/AffectGPT/AffectGPT", python="~/miniconda3/envs/affectgpt/bin/python",
    ...                        checkpoint="output/mercaptionplus_face/ckpt/checkpoint_000030_loss_0.602.pth",
    ...                        cfg_path="train_configs/mercaptionplus_outputhybird_bestsetup_bestfusion_face_lz.yaml",
    ...                        extractor={"type": "lexical"})  # doctest: +SKIP
    >>> judge.judge_batch([Clip.from_path("clip.mp4")])[0].words  # doctest: +SKIP
    ['anxious', 'tense']
    """

    concurrency = "process"  # one GPU model run at a time
    modalities = frozenset({"video", "audio", "text"})

    def __init__(
        self,
        repo: str | Path,
        checkpoint: str | Path,
        python: str | Path = "python",
        name: str = "affectgpt",
        cfg_path: str | None = None,
        dataset: str = "MEROVClips",
        command: str | Sequence[str] | None = None,
        timeout: float = 6 * 3600,
        env: Mapping[str, str] | None = None,
        extractor: Any = None,
        work_root: str | Path | None = None,
        keep_workdir: bool = False,
    ):
        self.repo = Path(repo).expanduser().resolve()
        if not self.repo.is_dir():
            raise InputError(f"repo={repo}: no such folder; give the AffectGPT checkout (the folder holding inference_hybird.py)")
        path = Path(checkpoint).expanduser()
        self.checkpoint = path if path.is_absolute() else self.repo / path
        if not self.checkpoint.is_file():
            raise InputError(f"checkpoint={checkpoint}: no such file; give AffectGPT's checkpoint_0000NN_loss_X.pth")
        self.commands = [command] if isinstance(command, str) else list(command or [DEFAULT_COMMAND])
        if not self.commands:
            raise InputError("command=[]: give at least one command template, or leave it out for AffectGPT's default")
        if cfg_path is None and any("{cfg_path}" in c for c in self.commands):
            raise InputError("cfg_path is missing: the default command needs AffectGPT's training config (train_configs/...yaml)")
        if _EPOCH.search(self.checkpoint.name) is None and any("{epoch}" in c for c in self.commands):
            raise InputError(f"checkpoint={checkpoint}: AffectGPT finds its checkpoint by the epoch in the name, and this name has "
                             "none; keep AffectGPT's checkpoint_0000NN_loss_X.pth name, or give a command= without {epoch}")
        # a command ('python') or a path: only a leading ~ is expanded, as user_path would turn './python' into a name on PATH
        interpreter = os.fspath(python) if isinstance(python, os.PathLike) else python
        if not isinstance(interpreter, str):
            raise InputError(f"python={python!r}: give the interpreter of AffectGPT's environment, a command or a path, "
                             "e.g. ~/miniconda3/envs/affectgpt/bin/python")
        self.python = str(user_path(interpreter)) if interpreter.startswith("~") else interpreter
        self.name = name
        self.cfg_path = cfg_path
        self.dataset = dataset
        if not is_number(timeout) or not timeout > 0:
            raise InputError(f"timeout={timeout!r}: give AffectGPT's time limit per batch in seconds, > 0, e.g. 7200")
        self.timeout = float(timeout)
        if not is_flag(keep_workdir):  # "false" (quoted in a config) would read as true and keep every batch's frames
            raise InputError(f"keep_workdir={keep_workdir!r}: give true or false (unquoted)")
        self.env = {str(k): str(v) for k, v in (env or {}).items()}
        self.extractor = None if extractor is None else build_extractor(extractor)
        self.work_root = None if work_root is None else str(user_path(work_root))
        self.keep_workdir = bool(keep_workdir)
        self._running: set[subprocess.Popen] = set()  # runs in flight, stopped by close()

    # -- running -----------------------------------------------------------------

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        start = time.perf_counter()
        missing = {c.name for c in clips if c.video is None}
        runnable = [c for c in clips if c.video is not None]
        results: dict[str, Verdict] = {
            name: Verdict.failed(self.name, name, f"{name}: no video file; AffectGPT needs the clip's media") for name in missing
        }
        if runnable:
            try:
                if self.work_root is not None:
                    Path(self.work_root).mkdir(parents=True, exist_ok=True)
                workdir = Path(tempfile.mkdtemp(prefix="affectgpt-", dir=self.work_root))
            except OSError as exc:  # the run's failure (work_root, a full disk), not the clips': not cached, as below
                error: str | None = (f"cannot make AffectGPT's run folder in {self.work_root or tempfile.gettempdir()} "
                                     f"({exc.strerror or exc}); give work_root= a writable folder ({_NOT_CACHED})")
            else:
                error = self._run(runnable, workdir)
            seconds = (time.perf_counter() - start) / len(runnable)
            if error is None:
                results.update(self._read_outputs(runnable, workdir / "output", seconds))
                if not self.keep_workdir:
                    shutil.rmtree(workdir, ignore_errors=True)
            else:
                # the run failed, not a clip (python=, env=, timeout=, AffectGPT's own setup or GPU memory, none of them in the
                # cache identity): not cached, so the run after the fix asks again
                results.update({c.name: Verdict.failed(self.name, c.name, error, seconds, transient=True) for c in runnable})
        return [results[c.name] for c in clips]

    def placeholders(self, workdir: Path) -> dict[str, str]:
        """The values the command templates are filled with."""
        epoch = _EPOCH.search(self.checkpoint.name)
        return {
            "python": self.python,
            "repo": str(self.repo),
            "checkpoint": str(self.checkpoint),
            "checkpoint_dir": str(self.checkpoint.parent),
            "checkpoint_name": self.checkpoint.stem,
            "epoch": epoch.group(1) if epoch else "",
            "cfg_path": self.cfg_path or "",
            "dataset": self.dataset,
            "workdir": str(workdir),
            "clips_csv": str(workdir / "clips.csv"),
            "output_dir": str(workdir / "output"),
        }

    def _run(self, clips: Sequence[Clip], workdir: Path) -> str | None:
        """Write the clip table, run every command; ``None``, or the error message naming the log."""
        values = self.placeholders(workdir)
        (workdir / "output").mkdir()
        with open(values["clips_csv"], "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name", "video", "subtitle"])
            for clip in clips:
                assert clip.video is not None  # judge_batch runs only the clips with a video
                writer.writerow([clip.name, str(Path(clip.video).resolve()), clip.subtitle or ""])
        env = {**os.environ, "MEROV_CLIPS_CSV": values["clips_csv"], "MEROV_OUTPUT_DIR": values["output_dir"], **self.env}
        log = workdir / "affectgpt.log"
        for template in self.commands:
            try:
                argv = [part.format(**values) for part in shlex.split(template)]
            except (KeyError, IndexError, ValueError) as exc:
                return (f"AffectGPT command template {template!r} is invalid ({exc}); placeholders: {', '.join(sorted(values))} "
                        f"({_NOT_CACHED})")
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"$ {shlex.join(argv)}\n")
                out.flush()
                try:
                    # Its own session, so a timeout ends AffectGPT's child processes too.
                    proc = subprocess.Popen(argv, cwd=self.repo, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
                except OSError as exc:
                    return (f"AffectGPT command {argv[0]!r} cannot run ({exc.strerror or exc}); check python= and command= "
                            f"({_NOT_CACHED}); see {log}")
                self._running.add(proc)
                try:
                    returncode = proc.wait(timeout=self.timeout)
                except subprocess.TimeoutExpired:
                    _kill_session(proc)
                    return f"AffectGPT did not finish within {self.timeout:g} s; raise timeout= if it needs longer ({_NOT_CACHED}); see {log}"
                finally:
                    self._running.discard(proc)
            if returncode != 0:
                return f"AffectGPT exited with status {returncode}: {_tail(log)} ({_NOT_CACHED}); full log: {log}"
        return None

    def close(self) -> None:
        """Stop the AffectGPT runs still going (a Ctrl-C'd run): in a session of their own, they outlive this process."""
        for proc in list(self._running):
            _kill_session(proc)

    # -- reading -------------------------------------------------------------------

    def _read_outputs(self, clips: Sequence[Clip], output: Path, seconds: float) -> dict[str, Verdict]:
        try:
            labels = _newest(output, "*-openset.npz", read_judge_output)
            reasons = _read_descriptions(output)
        except InputError as exc:
            return {c.name: Verdict.failed(self.name, c.name, f"AffectGPT output unreadable: {exc}", seconds) for c in clips}
        if labels is None and (reasons is None or self.extractor is None):
            found = "descriptions but no *-openset.npz" if reasons is not None else "no *-openset.npz and no descriptions"
            hint = "set extractor = {type = \"lexical\"} or add AffectGPT's label step to command" if reasons is not None else "check the command"
            return {c.name: Verdict.failed(self.name, c.name, f"AffectGPT wrote {found} under {output}; {hint}", seconds) for c in clips}
        out = {}
        read_again = reads_again(self.extractor)  # its answers read again after a parser change, if read as the parser alone does
        for clip in clips:
            description = (reasons or {}).get(clip.name)
            if labels is not None:
                words = labels.get(clip.name)
                if words is None:
                    out[clip.name] = Verdict.failed(self.name, clip.name, f"AffectGPT wrote no labels for {clip.name!r}", seconds)
                else:
                    out[clip.name] = Verdict(self.name, clip.name, words=words, raw=", ".join(words), description=description, seconds=seconds)
            elif description is None:
                out[clip.name] = Verdict.failed(self.name, clip.name, f"AffectGPT wrote no description for {clip.name!r}", seconds)
            else:
                assert self.extractor is not None  # no labels and no extractor returned above
                second = extracted(self.extractor, description, clip)
                out[clip.name] = Verdict(
                    self.name, clip.name, words=second.words, raw=second.raw, scores=second.scores,
                    description=description, seconds=seconds + second.seconds, error=second.error,
                    transient=not second.ok and second.transient,  # its server down: not cached, as the extractor said
                    reading=second.reading if read_again else None,  # an LLM extractor's answer, read again by a new parser
                )
        return out

    def cache_identity(self) -> dict[str, Any]:
        stat = self.checkpoint.stat()
        return {
            **super().cache_identity(),
            "repo": str(self.repo),
            "checkpoint": str(self.checkpoint),
            "checkpoint_size": stat.st_size,
            "checkpoint_revision": file_revision(self.checkpoint),  # retrained in place, same size: not the old verdicts
            "cfg_path": self.cfg_path,
            "dataset": self.dataset,
            "commands": self.commands,
            "extractor": self.extractor.cache_identity() if self.extractor is not None else None,
        }


def _newest(folder: Path, pattern: str, read: Callable[[Path], Any]) -> Any:
    files = sorted(folder.rglob(pattern), key=lambda p: p.stat().st_mtime)
    return read(files[-1]) if files else None


def _read_descriptions(output: Path) -> dict[str, str] | None:
    """Descriptions from ``*-reason.jsonl``, else from AffectGPT's own ``name2reason`` npz."""
    jsonl = _newest(output, "*-reason.jsonl", read_reasons)
    if jsonl is not None:
        return jsonl
    native = [p for p in output.rglob("*.npz") if not p.name.endswith("-openset.npz")]
    for path in sorted(native, key=lambda p: p.stat().st_mtime, reverse=True):
        # AffectGPT saves a pickled dict; this file was written just now by the run this judge started.
        try:
            with np.load(path, allow_pickle=True) as data:
                if "name2reason" in data.files:
                    return {str(k): "" if v is None else str(v) for k, v in data["name2reason"].item().items()}
        except (OSError, ValueError, AttributeError) as exc:
            raise InputError(f"{path}: unreadable AffectGPT output ({exc})") from None
    return None


def _kill_session(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait()


def _tail(log: Path) -> str:
    lines = [ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    return " | ".join(lines[-_LOG_TAIL:])[-400:]
