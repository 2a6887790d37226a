"""A 100 MB document end to end on the local stack: `ebox publish` sees it is beyond the one-request cap,
uploads it straight to the content bucket (streamed from disk) and publishes the message naming it; the
enterprise reads it back through the API's link, digest checked. The CLI runs in its own process so that
its memory peak is its own: above what publishing a small document takes, it must grow by far less than
the document's size."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.e2e.demo_cli import BAKERY, SENDER

SIZE = 100 * 1024 * 1024
# Runs `ebox …` and prints, last on stderr, the process's peak resident set size in KiB (Linux ru_maxrss).
MEASURED = ("import resource, sys\n"
            "from ebox_cli.commands import app\n"
            "try:\n    app(sys.argv[1:], prog_name='ebox')\n"
            "except SystemExit as end:\n    code = end.code\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
            "sys.exit(code)\n")


def write_document(path: Path) -> str:
    digest = hashlib.sha256()
    block = b"%PDF-1.7\n" + os.urandom(1024 * 1024 - 9)
    with path.open("wb") as out:
        for index in range(SIZE // len(block)):
            chunk = block if index == 0 else block[9:] + block[:9]
            out.write(chunk)
            digest.update(chunk)
    return digest.hexdigest()


def ebox_measured(base_url: str, *args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    result = subprocess.run([sys.executable, "-c", MEASURED, *args], check=False, capture_output=True, text=True,
                            timeout=900,
                            env={**os.environ, "EBOX_API_URL": base_url})
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    return result, peak_kib


def test_a_100_mb_document_is_published_streamed_and_read_back(base_url: str, tmp_path: Path):
    small = tmp_path / "avis.pdf"
    small.write_bytes(b"%PDF-1.7\n" + b"small notice\n" * 100)
    baseline, baseline_kib = ebox_measured(base_url, "publish", "--to", "0852093431", "--subject", "Avis",
                                           str(small), "--json", *SENDER)
    assert baseline.returncode == 0, baseline.stdout + baseline.stderr
    document = tmp_path / "rapport-annuel.pdf"
    sha256 = write_document(document)
    assert document.stat().st_size == SIZE

    result, peak_kib = ebox_measured(base_url, "publish", "--to", "0852093431", "--subject", "Rapport annuel",
                                     str(document), "--json", *SENDER)
    assert result.returncode == 0, result.stdout + result.stderr
    message_id = json.loads(result.stdout)["messageId"]
    print(f"ebox publish: peak RSS {peak_kib / 1024:.1f} MiB for {SIZE // 2**20} MiB "
          f"(a small document: {baseline_kib / 1024:.1f} MiB)")
    assert (peak_kib - baseline_kib) * 1024 < SIZE / 4  # streamed: never the document whole in memory

    token = requests.post(f"{base_url}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": BAKERY[1], "client_secret": BAKERY[3]}).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    attachments = requests.get(f"{base_url}/messageRegistry/v2/ebox/messages/{message_id}/attachments",
                               headers=bearer, timeout=30).json()["items"]
    assert [a["fileName"] for a in attachments] == ["rapport-annuel.pdf"]
    link = requests.get(f"{base_url}{attachments[0]['contentHref']}" if attachments[0]["contentHref"].startswith("/")
                        else attachments[0]["contentHref"], headers=bearer, timeout=30, allow_redirects=False)
    assert link.status_code == 303, link.text
    read_back = hashlib.sha256()
    with requests.get(link.headers["Location"], stream=True, timeout=600) as download:
        assert download.status_code == 200
        for chunk in download.iter_content(1024 * 1024):
            read_back.update(chunk)
    assert read_back.hexdigest() == sha256
