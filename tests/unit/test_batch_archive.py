"""Reading a batch archive and planning its lines, without any AWS (the archive in memory)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from ebox.domain.batch_archive import BatchArchive, EntryLocation, extract
from ebox.domain.batch_plan import MAX_LINES_PER_CHUNK, batch_of_key, plan_chunks, settings_from
from ebox.domain.errors import InvalidInput, InvalidSender

from tests.bulk_batches import archive, line_for
from tests.fakes import OTHER, SENDER

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def opened(data: bytes) -> BatchArchive:
    return BatchArchive(io.BytesIO(data))


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_document_is_cut_from_its_byte_range_alone(compression):
    data = archive([line_for()], {"documents/a.pdf": b"%PDF a" * 50, "documents/b.pdf": b"%PDF b" * 70},
                   compression=compression)
    where = opened(data).location("documents/b.pdf")
    assert where is not None
    assert extract(where, data[where.start : where.end], where.start) == b"%PDF b" * 70


def test_bytes_that_do_not_match_the_directory_are_refused():
    data = archive([line_for()], {"documents/a.pdf": b"%PDF a" * 50})
    where = opened(data).location("documents/a.pdf")
    tampered = EntryLocation(where.start, where.end, where.compressed_size, where.size, where.method, where.crc ^ 1)
    with pytest.raises(InvalidInput, match="CRC-32"):
        extract(tampered, data, 0)


@pytest.mark.parametrize("name", ["../evil.pdf", "/etc/passwd", "a/../../b.pdf"])
def test_entries_leaving_the_archive_refuse_it_whole(name):
    with pytest.raises(InvalidInput, match="absolute or parent path"):
        opened(archive([line_for()], {name: b"x"}))


def test_a_zip_bomb_is_refused_before_anything_is_inflated():
    with pytest.raises(InvalidInput, match="inflates more than 100 times"):
        opened(archive([line_for()], {"documents/bomb.pdf": b"\0" * 2_000_000}, compression=zipfile.ZIP_DEFLATED))


def test_not_a_zip_is_refused():
    with pytest.raises(InvalidInput, match="not a ZIP"):
        opened(b"PK but not really")


def test_lines_keep_the_numbers_an_editor_shows_blank_lines_skipped():
    data = archive(["", json.dumps(line_for()), "   ", "{broken"])
    assert [number for number, _ in opened(data).lines()] == [2, 4]


def test_the_first_drop_format_is_a_batch_of_one_line():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("messageToPublish.json", json.dumps(line_for(document="avis.pdf"), indent=2))
        out.writestr("avis.pdf", b"%PDF")
    [(number, text)] = list(opened(buffer.getvalue()).lines())
    assert number == 1 and json.loads(text)["attachments"][0]["httpPartName"] == "avis.pdf"


def test_a_line_of_another_sender_refuses_the_batch_whole():
    other = line_for(sender={"eboxType": "enterprise", "enterpriseNumber": OTHER})
    with pytest.raises(InvalidSender, match="line 2"):
        list(plan_chunks(opened(archive([line_for(), other])), SENDER))


def test_repeated_lines_point_to_the_first_and_chunks_stay_small():
    lines = [line_for(subject={"fr": f"Avis {i}"}) for i in range(MAX_LINES_PER_CHUNK + 5)] + [line_for(
        subject={"fr": "Avis 3"})]
    chunks = list(plan_chunks(opened(archive(lines)), SENDER))
    assert [len(c) for c in chunks] == [MAX_LINES_PER_CHUNK, 6]
    assert chunks[-1][-1].duplicate_of == 4 and chunks[0][0].documents["documents/avis.pdf"]


def test_batch_keys_name_their_sender_and_batch():
    ref = batch_of_key("0406798006/campagne-2026.zip")
    assert (ref.sender, ref.batch_id, ref.results_key) == (SENDER, "campagne-2026", "0406798006/campagne-2026"
                                                           ".results.jsonl")
    for key in ("0406798006/folder/x.zip", "notanumber/x.zip", "0406798006/x.tar", "x.zip"):
        with pytest.raises(InvalidInput):
            batch_of_key(key)


def test_settings_schedule_within_a_year_and_a_past_time_means_now():
    assert settings_from({"sendAt": "2026-12-01T08:00:00Z"}, now=NOW).send_at == "2026-12-01T08:00:00Z"
    assert settings_from({"sendAt": "2026-01-01T08:00:00Z", "dryRun": True}, now=NOW).send_at is None
    for bad in ({"sendAt": "2028-01-01T00:00:00Z"}, {"sendAt": "tomorrow"}, {"dryRun": "yes"}, {"priority": 1}):
        with pytest.raises(InvalidInput):
            settings_from(bad, now=NOW)


def test_a_document_kept_in_its_archive_is_read_back_by_its_entry_and_checked_against_its_digest():
    import io
    import zipfile

    from ebox.domain.archived_documents import archived_entry, entry_reference, open_entry
    from ebox.domain.batch_archive import BatchArchive
    from ebox.domain.documents import sha256_b64url
    from ebox.domain.errors import InvalidInput

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("documents/a.pdf", b"%PDF-1.4 first" * 50)
        out.writestr("manifest.jsonl", "{}\n")
    data = buffer.getvalue()
    location = BatchArchive(io.BytesIO(data)).location("documents/a.pdf")
    assert location is not None
    entry = archived_entry(entry_reference("archives/0406798006/b/run.zip", location))
    assert entry is not None and entry.archive_key == "archives/0406798006/b/run.zip"
    cut = data[location.start:location.end]
    assert open_entry(entry, cut, location.start, sha256_b64url(b"%PDF-1.4 first" * 50)) == b"%PDF-1.4 first" * 50
    with pytest.raises(InvalidInput):
        open_entry(entry, cut, location.start, sha256_b64url(b"other bytes"))
    assert archived_entry("messages/m/attachments/a") is None


def test_a_bulk_lines_message_id_is_the_same_at_every_delivery_of_its_chunk():
    from ebox.domain.ids import line_message_id

    first = line_message_id(1_796_000_000_000, "run-1", 7)
    assert first == line_message_id(1_796_000_000_000, "run-1", 7)
    assert first != line_message_id(1_796_000_000_000, "run-1", 8) != line_message_id(1_796_000_000_000, "run-2", 7)
    assert first[14] == "7" and first[19] in "89ab"  # a UUIDv7, ordered by its time
