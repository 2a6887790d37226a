"""`ebox-local` (what `make run` starts): the whole e-Box on an embedded AWS emulation (moto), provisioned
from template.yaml, with demo data. Ctrl-C or SIGTERM stops it."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from ebox_local.errors import LocalStackError, PortUnavailable, TemplateError
from ebox_local.seed import seed_demo_data
from ebox_local.stack import LocalStack

logger = logging.getLogger("ebox_local")
DEFAULT_MOTO_PORT = 5057


def find_template(start: Path) -> Path:
    for directory in (start, *start.parents):
        candidate = directory / "template.yaml"
        if candidate.is_file():
            return candidate
    raise TemplateError(f"no template.yaml in {start} or above: run from the repository, or pass --template")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ebox-local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("EBOX_PORT") or 8000),
                        help="port of the API (env EBOX_PORT; default 8000; 0: a free one)")
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("EBOX_MOTO_PORT") or DEFAULT_MOTO_PORT),
                        help=f"port of the AWS emulation (env EBOX_MOTO_PORT; default {DEFAULT_MOTO_PORT}; "
                             "0: a free one)")
    parser.add_argument("--aws-endpoint", default=_target_endpoint(), metavar="URL",
                        help="use the AWS emulator already running there instead of the embedded moto (default: "
                             "AWS_ENDPOINT_URL when run by ebox-localstack)")
    parser.add_argument("--smoke", action="store_true",
                        help="start, run the publish-and-consult smoke test through the API, stop; exit 0 if it passed")
    parser.add_argument("--host", default="127.0.0.1", help="address both listen on (default 127.0.0.1)")
    parser.add_argument("--template", type=Path, default=None,
                        help="SAM template (default: template.yaml in this directory or above)")
    parser.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="override a template parameter (repeatable), e.g. AcceptanceWindowSeconds=60")
    parser.add_argument("--no-seed", action="store_true", help="start without the demo data")
    parser.add_argument("--verbose", action="store_true", help="also log botocore, moto and werkzeug")
    return parser.parse_args(argv)


def _target_endpoint() -> str | None:
    from ebox_local.localstack_target import TARGET, TARGET_VARIABLE

    return os.environ.get("AWS_ENDPOINT_URL") if os.environ.get(TARGET_VARIABLE) == TARGET else None


def _parameters(pairs: list[str]) -> dict[str, str]:
    parameters = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise TemplateError(f"--parameter {pair!r}: expected NAME=VALUE")
        parameters[name] = value
    return parameters


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)-7s %(name)s %(message)s", datefmt="%H:%M:%S")
    if not verbose:
        for noisy in ("werkzeug", "botocore", "boto3", "urllib3", "moto", "pynamodb"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(args.verbose)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        template = args.template or find_template(Path.cwd())
        stack = LocalStack(template, port=args.port, moto_port=args.moto_port, host=args.host,
                           parameters=_parameters(args.parameter), seed=None if args.no_seed else seed_demo_data,
                           aws_endpoint=args.aws_endpoint)
        stack.start()
    except LocalStackError as error:
        hint = " (EBOX_PORT / EBOX_MOTO_PORT, or 0 for a free port)" if isinstance(error, PortUnavailable) else ""
        logger.error("cannot start: %s%s", error, hint)
        return 1
    if args.smoke:
        return _smoke(stack)
    logger.info("e-Box ready on %s (AWS emulation on %s); Ctrl-C stops it", stack.api_url, stack.aws_endpoint_url)
    while not stopping.wait(timeout=0.5):  # woken now and then: a Ctrl-C taken by another thread still runs its handler
        pass
    logger.info("stopping")
    stack.stop()
    return 0


def _smoke(stack: LocalStack) -> int:
    from ebox_local.smoke import SmokeTestFailed, run_smoke_test

    try:
        run_smoke_test(stack.api_url)
    except SmokeTestFailed as error:
        logger.error("smoke test failed: %s", error)
        return 1
    finally:
        stack.stop()
    logger.info("smoke test passed: %d resources of %s deployed on %s", len(stack.provisioned.resources)
                if stack.provisioned else 0, stack.template.name, stack.aws_endpoint_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
