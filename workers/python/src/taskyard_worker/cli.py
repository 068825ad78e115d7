"""`python -m taskyard_worker --handlers mymodule[,other]`: run a Worker for some modules."""

from __future__ import annotations

import argparse
import logging
import sys

from ._version import __version__
from .config import ENV_HELP, env_concurrency, env_handlers, split_list
from .loader import LoadError, load_handlers
from .worker import Worker


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m taskyard_worker",
        description=(
            "Run a Taskyard worker: import the given modules, collect every module-level "
            "@handler, register them with Taskyard (RegisterWorker) and run their activities on "
            "Temporal until SIGINT/SIGTERM."
        ),
        epilog=ENV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--handlers", metavar="MODULES",
        help="comma-separated modules defining handlers: dotted names (mypkg.tasks) or .py file paths "
        "(default: $TASKYARD_WORKER_HANDLERS)",
    )
    served = p.add_mutually_exclusive_group()
    served.add_argument(
        "--queues", metavar="QUEUES",
        help="comma-separated Taskyard queues to serve, `*` for all (default: $TASKYARD_WORKER_QUEUES, "
        "else `default`)",
    )
    served.add_argument(
        "--all-queues", action="store_true",
        help="serve every queue of the tenant, including queues created later (polled from the next "
        "re-registration on)",
    )
    p.add_argument(
        "--concurrency", type=int, default=None, metavar="N",
        help="most tasks run at once per Temporal task queue (default: $TASKYARD_WORKER_CONCURRENCY, else 10)",
    )
    p.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    p.add_argument("--version", action="version", version=f"taskyard-worker {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per API call
    try:
        concurrency = args.concurrency if args.concurrency is not None else env_concurrency()
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if concurrency < 1:
        print("error: --concurrency must be at least 1", file=sys.stderr)
        return 2
    specs = split_list(args.handlers) or env_handlers()
    if not specs:
        print("error: name the handler modules with --handlers or TASKYARD_WORKER_HANDLERS", file=sys.stderr)
        return 2
    try:
        handlers = load_handlers(specs)
    except LoadError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    queues: list[str] | str | None = "all" if args.all_queues else split_list(args.queues) or None
    try:
        worker = Worker(handlers, queues, max_concurrent=concurrency)
    except (ValueError, TypeError) as err:  # e.g. TEMPORAL_TLS_CLIENT_CERT_PATH without its key
        print(f"error: {err}", file=sys.stderr)
        return 2
    worker.run()  # SystemExit on start-up errors
    return 0
