"""`ebox inbox` and `ebox read`: what the person sees, and documents saved only when their digests hold."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CLERK, Run
from tests.cli.fake_api import FakeApi

PDF = b"%PDF-1.7\n% the notice\n%%EOF\n"
ANNEX = b"%PDF-1.7\n% the annex\n%%EOF\n"
FIRST, SECOND = "0196a1b2-0000-7000-8000-000000000001", "0196a1b2-0000-7000-8000-000000000002"


def test_inbox_lists_subjects_newest_first_with_the_summary(run: Run, api: FakeApi):
    api.add_message(FIRST, subject={"nl": "Aanslagbiljet"}, documents={"a.pdf": PDF}, read=True,
                    receipt_date="2026-02-01T08:00:00Z")
    api.add_message(SECOND, subject={"fr": "Avis [urgent]", "nl": "Bericht"}, documents={"a.pdf": PDF, "b.pdf": ANNEX},
                    receipt_date="2026-03-01T09:30:00Z")

    result = run("inbox", *CLERK)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    newest = next(line for line in lines if "Avis [urgent]" in line)  # French asked, markup-looking text kept
    older = next(line for line in lines if "Aanslagbiljet" in line)  # no French: another language
    assert lines.index(newest) < lines.index(older)
    assert "2026-03-01 09:30" in newest and "0406798006" in newest and "●" in newest and newest.rstrip()[-1] == "2"
    assert "●" not in older
    assert FIRST in result.stdout and SECOND in result.stdout
    assert "2 messages, 1 unread" in result.stdout
    (listing,) = api.calls("GET", "/messageRegistry/v2/ebox/messages")
    assert listing.query == {"page": ["1"], "pageSize": ["25"]}
    assert listing.headers["Authorization"] == "Bearer tok-ent-0852093431"


def test_inbox_pages_numbers_rows_and_shows_the_language_asked(run: Run, api: FakeApi):
    for day in range(1, 4):
        api.add_message(f"0196a1b2-0000-7000-8000-00000000000{day}",
                        subject={"fr": f"Avis {day}", "nl": f"Bericht {day}"},
                        receipt_date=f"2026-03-0{day}T09:30:00Z", body={"fr": "x"})

    result = run("inbox", "--page", "2", "--page-size", "2", "--lang", "nl", *CLERK)

    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "Bericht 1" in line)
    assert row.split()[0] == "3"
    assert "Avis" not in result.stdout
    assert "showing 3–3 of 3" in result.stdout


def test_inbox_json_prints_the_listing(run: Run, api: FakeApi):
    api.add_message(FIRST, subject={"fr": "Avis"}, documents={"a.pdf": PDF})

    result = run("inbox", "--json", *CLERK)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["items"][0]["messageId"] == FIRST


def test_read_shows_the_message_and_saves_its_documents_checked(run: Run, api: FakeApi, tmp_path: Path):
    api.add_message(FIRST, subject={"fr": "Avis de paiement"}, documents={"avis.pdf": PDF, "annexe.pdf": ANNEX},
                    body={"fr": "Veuillez trouver l'avis ci-joint."})
    target = tmp_path / "saved"

    result = run("read", FIRST, "--save-dir", str(target), *CLERK)

    assert result.exit_code == 0, result.output
    assert "Avis de paiement" in result.stdout and "Veuillez trouver l'avis ci-joint." in result.stdout
    assert (target / "avis.pdf").read_bytes() == PDF
    assert (target / "annexe.pdf").read_bytes() == ANNEX
    assert f"saved {target / 'avis.pdf'}" in result.stdout and "SHA-256 checked" in result.stdout
    assert "marked as read" in result.stdout
    assert sorted(p.name for p in target.iterdir()) == ["annexe.pdf", "avis.pdf"]  # no temporary file left
    fetched = [call.path for call in api.calls("GET", f"/messageRegistry/v2/ebox/messages/{FIRST}/attachments")]
    assert fetched == [f"/messageRegistry/v2/ebox/messages/{FIRST}/attachments/att1/content",
                       f"/messageRegistry/v2/ebox/messages/{FIRST}/attachments/att2/content"]


def test_read_saves_into_the_current_directory_by_default(run: Run, api: FakeApi, tmp_path: Path, monkeypatch):
    api.add_message(FIRST, subject={"fr": "Avis"}, documents={"avis.pdf": PDF})
    monkeypatch.chdir(tmp_path)

    result = run("read", FIRST, *CLERK)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "avis.pdf").read_bytes() == PDF


def test_read_refuses_a_document_whose_digest_does_not_match_and_saves_nothing(run: Run, api: FakeApi,
                                                                               tmp_path: Path):
    stored = api.add_message(FIRST, subject={"fr": "Avis"}, documents={"avis.pdf": PDF, "annexe.pdf": ANNEX})
    stored.contents["att2"] = ANNEX + b"tampered"  # the first document is fine: it must not be saved either
    api.repr_digest = False
    target = tmp_path / "saved"

    result = run("read", FIRST, "--save-dir", str(target), *CLERK)

    assert result.exit_code == 1
    assert "annexe.pdf" in result.stderr and "SHA-256" in result.stderr and "Nothing was saved" in result.stderr
    assert "Traceback" not in result.output
    assert not target.exists() or list(target.iterdir()) == []


def test_read_also_checks_the_digest_header_of_the_response(run: Run, api: FakeApi, tmp_path: Path):
    api.add_message(FIRST, subject={"fr": "Avis"}, documents={"avis.pdf": PDF})
    api.repr_digest_of = b"other bytes"

    result = run("read", FIRST, "--save-dir", str(tmp_path), *CLERK)

    assert result.exit_code == 1
    assert "avis.pdf" in result.stderr and "digest header" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_read_json_reports_message_body_and_saved_paths(run: Run, api: FakeApi, tmp_path: Path):
    api.add_message(FIRST, subject={"fr": "Avis"}, body={"fr": "Texte"})

    result = run("read", FIRST, "--save-dir", str(tmp_path), "--json", *CLERK)

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["message"]["messageId"] == FIRST and answer["body"] == {"fr": "Texte"} and answer["saved"] == []


def test_a_document_name_cannot_escape_the_save_directory(run: Run, api: FakeApi, tmp_path: Path):
    api.add_message(FIRST, subject={"fr": "Avis"}, documents={"../../evil.pdf": PDF, "..": ANNEX})
    target = tmp_path / "inside" / "saved"

    result = run("read", FIRST, "--save-dir", str(target), *CLERK)

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == ["att2", "evil.pdf"]
    assert not (tmp_path / "evil.pdf").exists()
