"""`ebox-local` (what `make run` starts): the whole e-Box on an embedded AWS emulation."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from ebox_local.runner import LocalStack


def find_template(start: Path) -> Path:
    for directory in (start, *start.parents):
        candidate = directory / "template.yaml"
        if candidate.exists():
            return candidate
    raise SystemExit("template.yaml not found here or above: run from the repository")


def main() -> None:
    parser = argparse.ArgumentParser(prog="ebox-local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("EBOX_PORT", "8000")),
                        help="API port (env EBOX_PORT, default 8000)")
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("EBOX_MOTO_PORT", "0")),
                        help="port of the AWS emulation (env EBOX_MOTO_PORT, default: a free one)")
    parser.add_argument("--template", type=Path, default=None, help="SAM template (default: ./template.yaml)")
    parser.add_argument("--no-seed", action="store_true", help="start without the demo data")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("werkzeug", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stack = LocalStack(args.template or find_template(Path.cwd()), port=args.port, moto_port=args.moto_port,
                       seed=not args.no_seed)
    stack.start()
    print(f"e-Box ready on {stack.api_url} (AWS emulation on {stack.aws_endpoint_url}); Ctrl-C stops it.",
          flush=True)
    stop.wait()
    stack.stop()


if __name__ == "__main__":
    main()
