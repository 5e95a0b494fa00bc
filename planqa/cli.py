"""`planqa` command line: one sub-command module per area (cli_corpus, cli_index, cli_qa, …)."""

from __future__ import annotations

import argparse
import importlib
import sys

from planqa.logs import setup_logging
from planqa.settings import Settings

# Each module exposes register(subparsers) and sets `func(args, settings) -> int` on its parsers.
COMMAND_MODULES = [
    "planqa.cli_corpus",
    "planqa.cli_index",
    "planqa.cli_qa",
    "planqa.cli_serve",
    "planqa.cli_batch",
    "planqa.cli_eval",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planqa", description="PlanQA 规划问答")
    parser.add_argument("--home", help="data folder (index, uploads); env PLANQA_HOME")
    parser.add_argument("--model", help="sentence-transformers model name or local folder; env PLANQA_MODEL")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # area not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env(home=args.home, model=args.model)
    setup_logging(settings.home)  # library warnings to $PLANQA_HOME/logs/planqa.log, not the terminal
    try:
        return int(args.func(args, settings) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
