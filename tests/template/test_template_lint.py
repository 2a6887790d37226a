"""cfn-lint finds no error and no warning in template.yaml (the SAM transform included)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# config.py falls back to eu-west-1; resource availability is checked for the region we deploy to.
REGION = "eu-west-1"


def _cfn_lint(repo_root: Path, template: Path) -> subprocess.CompletedProcess[str]:
    beside_python = Path(sys.executable).parent / "cfn-lint"
    executable = str(beside_python) if beside_python.exists() else shutil.which("cfn-lint")
    if executable is None:
        pytest.fail("cfn-lint is not installed: pip install -e '.[local,dev]'", pytrace=False)
    # Run from the repo root so that a .cfnlintrc.yaml there (narrow, commented ignores) applies.
    return subprocess.run(
        [executable, "--format", "parseable", "--non-zero-exit-code", "warning", "--regions", REGION,
         "--", str(template)],
        cwd=repo_root, capture_output=True, text=True, timeout=120, check=False,
    )


def test_template_has_no_cfn_lint_error_or_warning(repo_root: Path) -> None:
    result = _cfn_lint(repo_root, repo_root / "template.yaml")
    findings = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and not findings, f"cfn-lint (exit {result.returncode}):\n{findings}"


def test_cfn_lint_run_reports_a_broken_template(repo_root: Path, tmp_path: Path) -> None:
    """Guards the test above: the same invocation, with the repo's config, does flag a real error."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        "      VisibilityTimeout: !GetAtt Missing.Arn\n",
        encoding="utf-8",
    )
    result = _cfn_lint(repo_root, broken)
    assert result.returncode != 0 and "Missing" in result.stdout, result.stdout + result.stderr
