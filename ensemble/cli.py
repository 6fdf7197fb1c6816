"""``cojudge``: the command-line interface. Each subcommand lives in its own module."""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from judges.errors import InputError

__all__ = ["main", "COMMANDS"]

#: Subcommand -> module with ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, str] = {
    "evaluate": "calibration.evaluate_command",
    "tune": "calibration.tune_command",
    "fuse": "ensemble.fuse_command",
    "predict": "ensemble.predict_command",
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(prog="cojudge", description="Co-judgment for open-vocabulary multimodal emotion recognition.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # a command not built yet
            raise
        doc = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
        p = sub.add_parser(name, help=doc, description=doc)
        module.add_arguments(p)
        modules[name] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(modules[args.command].run(args) or 0)
    except InputError as exc:
        print(f"cojudge {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cojudge {args.command}: interrupted; finished work is kept in the cache", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
