"""``cojudge``: the command-line interface. Each subcommand lives in its own module."""
from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Literal, TextIO

from ensemble.output_files import new_folders_removed_on_failure
from judges.errors import InputError, close_names, listed

__all__ = ["main", "entry", "report", "report_judges", "options_named", "COMMANDS"]

#: Subcommand -> module with ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, str] = {
    "evaluate": "calibration.evaluate_command",
    "tune": "calibration.tune_command",
    "fuse": "ensemble.fuse_command",
    "predict": "ensemble.predict_command",
}
#: One line per subcommand for ``cojudge --help``, so that only the command run is imported.
SUMMARIES: dict[str, str] = {
    "evaluate": "Score judge or fused predictions with the official EW metric.",
    "tune": "Tune the co-judgment on labelled clips (cross-validated) and write a calibration file.",
    "fuse": "Fuse stored judge outputs with a calibration file; write name,openset CSV for 'cojudge evaluate'.",
    "predict": "Co-judge video clips: run the judges, fuse their words, print or write them.",
}


def build_parser(command: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, ModuleType], dict[str, argparse.ArgumentParser]]:
    """The parser, the commands' modules and their own parsers; only ``command``'s module is imported (all when None)."""
    parser = argparse.ArgumentParser(prog="cojudge", description="Co-judgment for open-vocabulary multimodal emotion recognition.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    parsers: dict[str, argparse.ArgumentParser] = {}
    for name, module_name in COMMANDS.items():
        if command is not None and name != command:
            sub.add_parser(name, help=SUMMARIES[name], add_help=False)
            continue
        module = importlib.import_module(module_name)
        doc = (module.__doc__ or SUMMARIES[name]).strip().splitlines()[0]
        p = sub.add_parser(name, help=SUMMARIES[name], description=doc)
        module.add_arguments(p)
        modules[name], parsers[name] = module, p
    return parser, modules, parsers


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``cojudge`` subcommand on ``argv`` (default: the command line); the exit code, 2 for a one-line error."""
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    # cojudge takes no option of its own but --help: a line starting with an option is refused below (or shows the help),
    # naming the command, which every command's options tell apart from an option's value ('--out fuse predict x.mp4')
    options_first = bool(argv) and argv[0].startswith("-") and argv[0] != "--"
    command = chosen if chosen in COMMANDS and not options_first else None
    try:
        parser, modules, parsers = build_parser(command)
    except KeyboardInterrupt:  # Ctrl-C while the command's libraries import (seconds): nothing was done yet
        print(f"cojudge{' ' + command if command else ''}: error: interrupted; no output file was written", file=sys.stderr)
        return 130
    if options_first:
        at = _command_after_options(argv, parsers)
        command, early = (argv[at], argv[:at]) if at is not None else (None, argv)
        if not {"-h", "--help"} & set(early):  # cojudge's own option, --help, argparse shows as it comes to it
            _refuse_options_before_the_command(parser, early, command, parsers)
    elif chosen is not None and chosen not in COMMANDS and chosen == argv[0]:
        _refuse_unknown_command(parser, chosen)
    args, unknown = parser.parse_known_args(argv)  # options before the command were refused above, but --help
    if unknown:
        _refuse_unknown_arguments(parsers.get(args.command) or parser, unknown, argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        _refuse_empty_values(parsers[args.command], args)
        with warnings.catch_warnings(), new_folders_removed_on_failure() as status:  # a refused run leaves no empty --out folder
            warnings.showwarning = _one_line_warning(args.command)
            return status(int(modules[args.command].run(args) or 0))
    except InputError as exc:
        report(args.command, "error", str(exc))
        return 2
    except KeyboardInterrupt:
        cache = getattr(args, "cache", None)
        kept = (f"the verdicts judged so far are kept in {cache}: run it again to resume" if cache
                else "no output file was written" + ("; give --cache FILE to keep verdicts across runs" if hasattr(args, "cache") else ""))
        report(args.command, "error", f"interrupted; {kept}")
        return 130
    except BrokenPipeError:  # `cojudge ... | head`: the reader has what it wanted; stop quietly, as shell tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor fail again flushing at exit
        return 141


def _refuse_empty_values(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """An :class:`InputError` for an option or argument given as the empty text, as ``--config "$CONFIG"`` gives it with
    the variable unset: read as not given, it ran the default judges (``--config``), the untrained fusion
    (``--calibration``), wrote no file (``--out``), or scored every clip (``--names``), all without a word."""
    for action in parser._actions:
        value = getattr(args, action.dest, None)
        if action.default != "" and (value == "" or isinstance(value, list) and "" in value):
            named = max(action.option_strings, key=len) if action.option_strings else action.metavar or action.dest
            raise InputError(f"{named} is given as '' (empty: an unset shell variable?); give its value"
                             f"{'' if action.required else ', or leave it out'}")


def _refuse_unknown_arguments(parser: argparse.ArgumentParser, unknown: list[str], argv: Sequence[str] = ()) -> None:
    """Exit (status 2) naming the arguments ``parser`` (the command's own) does not take, with the option meant.

    argparse reports them as the top-level parser's (``cojudge: error:``, a usage listing only COMMAND),
    which says neither which command refused them nor what it takes. A file whose name starts with '-'
    (``-clip.mp4``, as ``clips/*`` run in the folder gives it) is one of them: the hint says how to give it. Other files
    are a pattern the shell expanded after an option that takes one path (``argv``, the command line, tells which): for
    ``--judge-glob outputs/*/*.npz`` unquoted the hint says to quote it, for ``--labels a*.csv`` that the option takes one file.
    """
    options = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
    meant = [close[0] for arg in unknown if arg.startswith("--")
             for close in [difflib.get_close_matches(arg.split("=")[0], options, n=1, cutoff=0.75)] if close]
    files = [arg for arg in unknown if os.path.lexists(arg)]
    dashed = [arg for arg in files if arg.startswith("-")]  # '-clip.mp4', from a folder's listing: read as an option
    if dashed:
        hint = f"; {dashed[0]} is a file, read as an option for its leading '-': give it as ./{dashed[0]}, or give the files after --"
    elif files:
        hint = f"; {len(files)} of them {'is a file' if len(files) == 1 else 'are files'}, " + _expanded_pattern_hint(parser, files[0], argv)
    elif meant:
        hint = f" (did you mean {', '.join(dict.fromkeys(meant))}?)"
    else:
        hint = f"; see {parser.prog} --help"
    parser.error(f"unrecognized arguments: {listed(unknown)}{hint}")


def _expanded_pattern_hint(parser: argparse.ArgumentParser, stray: str, argv: Sequence[str]) -> str:
    """What to do about ``stray``, a file no option took. After an option whose value is a file too, it is the rest of a
    pattern the shell expanded, of which the option took the first file: ``--judge-glob`` wants the pattern quoted, an option
    taking one path (``--labels``) one file."""
    before = list(argv)[: list(argv).index(stray)] if stray in argv else []
    options = [i for i, arg in enumerate(before) if arg.startswith("-")]
    given = before[options[-1]:][:2] if options else []  # ['--labels', 'a1.csv'] (or ['--labels=a1.csv', ...])
    option, value = ((given[0].split("=", 1) + given[1:] + [None])[:2] if given else [None, None])
    action = parser._option_string_actions.get(option or "")
    if action is not None and action.nargs is None and value is not None and os.path.lexists(value):
        if option == "--judge-glob":
            return ("as a pattern the shell expanded gives them: quote the pattern (--judge-glob 'folder/*.npz') so that the "
                    "option gets it whole")
        return f"as a pattern the shell expanded gives them: {option} takes one file; give one"
    return f"which no option takes: give each file after its option (see {parser.prog} --help)"


def _command_after_options(argv: Sequence[str], parsers: dict[str, argparse.ArgumentParser]) -> int | None:
    """Where the command is in a command line that starts with options: the first command name that is not the value of
    an option before it (``--out fuse predict x.mp4``: ``predict``, as ``--out`` takes a value in some command), else the
    first command name (``--out predict x.mp4``: ``predict``), else None (``--format csv``)."""
    value_next = False
    for at, arg in enumerate(argv):
        if value_next:
            value_next = False
        elif arg.startswith("-"):
            value_next = "=" not in arg and any(action.nargs != 0 for action in _actions_named(arg, parsers).values())
        elif arg in COMMANDS:
            return at
    return next((at for at, arg in enumerate(argv) if arg in COMMANDS), None)


def _actions_named(option: str, parsers: dict[str, argparse.ArgumentParser]) -> dict[str, argparse.Action]:
    """Command -> its action of ``option`` (``--opt=value`` too), for the commands that take it, by its full name or by a
    prefix of one option alone (``--form``), as argparse takes it."""
    option = option.split("=", 1)[0]
    found = {}
    for name, p in parsers.items():
        actions = p._option_string_actions
        prefixed = [o for o in actions if option.startswith("--") and o.startswith(option)]
        if option in actions or len(prefixed) == 1:
            found[name] = actions[option if option in actions else prefixed[0]]
    return found


def _refuse_options_before_the_command(parser: argparse.ArgumentParser, before: list[str], command: str | None,
                                       parsers: dict[str, argparse.ArgumentParser]) -> None:
    """Exit (status 2) naming the arguments given before ``command``: its options are taken after it only, so they are
    not its unknown options (``--quiet predict`` said 'unrecognized arguments: --quiet (did you mean --quiet?)'). Below
    cojudge's usage, the error line starts ``cojudge COMMAND: error:`` as the command's other errors do (``parser.error``
    wrote ``cojudge: error:``, which a grep of a log for ``cojudge predict: error`` missed). Without a command
    (``cojudge --format csv``, which argparse refused as "invalid choice: 'csv'", the option's value taken for the command)
    it names the commands that take those options."""
    given = " ".join(before)
    if command is None:
        options = [arg for arg in before if arg.startswith("-")]
        takers = [name for name in parsers if all(name in _actions_named(o, parsers) for o in options)]
        if not takers:  # options no command takes ('--bogus')
            parser.error(f"unrecognized arguments: {given}; see cojudge --help")
        named = list(dict.fromkeys(o.split("=", 1)[0] for o in options))
        commands = takers[0] if len(takers) == 1 else f"{', '.join(takers[:-1])} and {takers[-1]}"
        parser.error(f"unrecognized arguments: {given}; give a command, then its options: cojudge COMMAND {given} ... "
                     f"({' and '.join(named)} {'is an option' if len(named) == 1 else 'are options'} of {commands})")
    parser.print_usage(sys.stderr)
    foreign = [o.split("=", 1)[0] for o in before if o.startswith("-") and command not in _actions_named(o, parsers)]
    if foreign:  # 'cojudge -x predict' was told to write 'cojudge predict -x', which predict then refused
        parser.exit(2, f"cojudge {command}: error: unrecognized arguments: {given}; {command} takes no option "
                       f"{', '.join(foreign)} (see cojudge {command} --help)\n")
    parser.exit(2, f"cojudge {command}: error: unrecognized arguments: {given}; give a command's options after it: "
                   f"cojudge {command} {given} ...\n")


def _refuse_unknown_command(parser: argparse.ArgumentParser, word: str) -> None:
    """Exit (status 2) for a first word that is no command (``cojudge evalute``), naming the command meant if one is close."""
    close = close_names([word], COMMANDS, cutoff=0.6).get(word)
    meant = f"did you mean {close!r}? " if close else ""
    parser.error(f"argument COMMAND: invalid choice: {word!r} ({meant}choose from {', '.join(map(repr, COMMANDS))})")


def entry() -> None:
    """The ``cojudge`` console script: :func:`main`, then exit with its status.

    After Ctrl-C (status 130) it exits at once, without the interpreter's teardown: a judge's native
    threads (TFLite, ONNX Runtime, CTranslate2) may still be running, and tearing them down aborts the
    process ("terminate called without an active exception", status 134) after the one-line message.
    What was judged is already stored by then.
    """
    code = main()
    if code == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(code)


def report(command: str, kind: Literal["error", "warning", "note"], message: str) -> None:
    """One line on stderr, ``cojudge COMMAND: KIND: message``, as argparse starts its errors: every error, warning and note
    of a command (its own, an ``InputError``, a Python warning) so starts, for a user who greps a log of several commands'
    runs for ``: warning:``. A progress bar on stderr is cleared first and drawn again below, so the line is one of its own."""
    from tqdm import tqdm

    with tqdm.external_write_mode(file=sys.stderr):
        print(f"cojudge {command}: {kind}: {message}", file=sys.stderr)


@contextmanager
def options_named(options: Mapping[str, str]) -> Iterator[None]:
    """Inside: the one-line error of a class's or a check's parameter check, which starts ``param=value`` (``min_support/threshold=1.5:
    ...``, ``folds=1 but ...``), names the command-line option the user typed instead, as the commands' own checks do
    (``--min-support 1.5: ...``); ``options``: each parameter -> its option. Any other error passes as it is."""
    try:
        yield
    except InputError as exc:
        message = str(exc)
        for param, option in options.items():
            if re.match(rf"{re.escape(param)}=\S", message):
                raise InputError(f"{option} {message[len(param) + 1:]}") from None
        raise


def report_judges(command: str, each: Sequence[str], together: str, advice_one: str, advice_many: str) -> None:
    """One warning (:func:`report`) for what ``each`` says of its judges: its one line and ``advice_one`` when it names one
    judge, else ``together`` (the judges named through :func:`~judges.errors.listed`) and ``advice_many``: fusing 37
    judges' files of new clips gave 37 lines of the same advice."""
    if len(each) == 1:
        report(command, "warning", f"{each[0]}; {advice_one}")
    elif each:
        report(command, "warning", f"{together}; {advice_many}")


def _one_line_warning(command: str) -> Callable[..., None]:
    """Warnings as the commands' own ``warning:`` lines (:func:`report`), without the source line a script would show."""

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: TextIO | None = None,
             line: str | None = None) -> None:
        report(command, "warning", " ".join(str(message).split()))

    return show


if __name__ == "__main__":
    entry()
