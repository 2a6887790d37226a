"""Fixtures for the static proof of `template.yaml`: the parsed template, its offline SAM transform and
the npm `asl-validator` CLI. Nothing here touches AWS or the network, except `npm ci` when
node_modules/ is missing or stale."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ebox_local.template import load_template as read_template
from samtranslator.translator.transform import transform

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
ASL_VALIDATOR = "asl-validator"
TRANSFORM_REGION = "eu-west-1"


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The same reading of the template as the local stack's (short tags in their long form)."""
    return read_template(path)


class _AnyManagedPolicy(dict[str, str]):
    """Stub of IAM ListPolicies: every managed-policy name maps to its AWS-managed ARN. SAM only asks
    for names missing from the map it bundles, so this is the offline stand-in for that lookup."""

    def __bool__(self) -> bool:
        return True

    def get(self, name: str, default: str | None = None) -> str:  # type: ignore[override]
        return f"arn:aws:iam::aws:policy/{name}"


class StubManagedPolicyLoader:
    def load(self) -> dict[str, str]:
        return _AnyManagedPolicy()


def packaged(template: dict[str, Any], root: Path = ROOT) -> dict[str, Any]:
    """What `sam package` hands CloudFormation: local code URIs become S3 URIs, and each state
    machine's `DefinitionUri` file is inlined as `Definition` so the transform output carries it."""
    result = copy.deepcopy(template)
    function_globals = result.get("Globals", {}).get("Function", {})
    if isinstance(function_globals.get("CodeUri"), str):
        function_globals["CodeUri"] = "s3://ebox-artifacts/globals.zip"
    for name, resource in result.get("Resources", {}).items():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://ebox-artifacts/{name}.zip"
        uri = props.get("DefinitionUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            props["Definition"] = json.loads((root / uri).read_text(encoding="utf-8"))
            del props["DefinitionUri"]
    return result


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """template.yaml as written (SAM resources, short tags expanded). Tests must not mutate it."""
    return load_template()


@pytest.fixture(scope="session")
def transformed(template: dict[str, Any]) -> dict[str, Any]:
    """template.yaml after the AWS::Serverless-2016-10-31 transform, offline."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_DEFAULT_REGION", TRANSFORM_REGION)
        mp.setenv("AWS_REGION", TRANSFORM_REGION)
        return transform(packaged(template), {}, StubManagedPolicyLoader())  # type: ignore[arg-type]


def _locked_version(root: Path, package: str) -> str:
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{package}"]["version"]


def _installed_version(root: Path, package: str) -> str | None:
    manifest = root / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


@pytest.fixture(scope="session")
def asl_validator(repo_root: Path) -> Path:
    """The npm `asl-validator` CLI at the version package-lock.json pins; runs `npm ci` first if
    node_modules/ lacks it or holds another version."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found on PATH: the ASL tests run the npm package "
            f"{ASL_VALIDATOR} (package.json). Install Node.js 18+ with npm (e.g. apt-get install nodejs npm).",
            pytrace=False,
        )
    executable = repo_root / "node_modules" / ".bin" / ASL_VALIDATOR
    wanted = _locked_version(repo_root, ASL_VALIDATOR)
    if not executable.exists() or _installed_version(repo_root, ASL_VALIDATOR) != wanted:
        npm = shutil.which("npm")
        assert npm is not None
        done = subprocess.run(
            [npm, "ci", "--include=dev", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=repo_root, capture_output=True, text=True, timeout=300, check=False,
        )
        if done.returncode != 0 or not executable.exists():
            pytest.fail(f"`npm ci` failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)
    return executable
