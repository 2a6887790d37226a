"""The bulk campaign's cost table (bench.bulk_cost) prices what was counted, and nothing it did not count."""

from bench.bulk_cost import FunctionUse, bulk_cost_rows
from bench.cost import Meter


def test_a_line_s_writes_events_and_invocations_are_priced_per_million():
    meter = Meter(indexes=[])
    for n in range(10):  # ten lines: one 500-byte item each, one event each, one S3 put for the lot
        meter.observe("dynamodb", "BatchWriteItem", {"RequestItems": {"t": [
            {"PutRequest": {"Item": {"pk": {"S": f"EBOX#{n}"}, "sk": {"S": "MSG#" + "x" * 480}}}}]}})
        meter.observe("events", "PutEvents", {"Entries": [{}]})
    meter.observe("s3", "PutObject", {})
    meter.observe("ses", "SendRawEmail", {})  # e-mail is not in the price
    use = FunctionUse()
    use.add(1024, cpu=0.5, calls=10)  # one invocation of a 1 GB function: 0.5 s of CPU + 10 calls × 15 ms

    rows = {row.what.split(" (")[0].split(",")[0]: row for row in bulk_cost_rows(meter, use, lines=10)}

    assert rows["DynamoDB write units"].per_million == 0.7068  # one unit a line
    assert rows["EventBridge events"].per_million == 1.0
    assert round(rows["S3 PUT/COPY/DELETE/LIST"].per_million, 6) == 0.5
    assert round(rows["Lambda compute"].per_message, 6) == 0.065  # (0.5 + 0.15) GB-s over ten lines
    assert not any("SES" in row.what or "API Gateway" in row.what for row in rows.values())
