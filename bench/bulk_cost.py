"""What a campaign sent as a bulk import costs per million lines before e-mail, from what the run counted
(`python -m bench.bulk --messages N --cost`): every AWS call of every function the drop set going — the bulk
steps and workers, then the outbox, the evidence archive, the statistics, the e-mail and audit consumers —
up to the moment nothing is left to do, priced as bench.cost prices the API's publications.

Lambda's billed time is not the emulator's (its AWS answers are local and slower): each invocation is billed
its measured CPU time plus bench.cost.API_SECONDS_PER_CALL per AWS call it made, at its template memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.cost import API_SECONDS_PER_CALL, PRICES, S3_PUT_OPERATIONS, CostRow, Meter
from bench.emulator import messages_held

_IN_FUNCTION = threading.local()


@dataclass
class FunctionUse:
    """The invocations of the local functions and what Lambda would bill for them."""

    invocations: int = 0
    gb_seconds: float = 0.0
    cpu_seconds: float = 0.0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, memory_mb: int, cpu: float, calls: int) -> None:
        with self.lock:
            self.invocations += 1
            self.cpu_seconds += cpu
            self.calls += calls
            self.gb_seconds += memory_mb / 1024 * (cpu + API_SECONDS_PER_CALL * calls)


def count_function_call() -> None:
    """Counts an AWS call for the function running on this thread, if one is."""
    if getattr(_IN_FUNCTION, "calls", None) is not None:
        _IN_FUNCTION.calls += 1


@contextmanager
def metered_functions() -> Iterator[FunctionUse]:
    """Every local function invocation meanwhile (the pollers', the state machines'), its thread's CPU time
    and the AWS calls it made."""
    from ebox_local import functions

    use = FunctionUse()
    original = functions.load_handler

    def load_handler(code_dir: Any, handler_name: str) -> Any:
        handler = original(code_dir, handler_name)

        def metered(event: Any, context: Any) -> Any:
            outer = getattr(_IN_FUNCTION, "calls", None)
            _IN_FUNCTION.calls = 0
            started = time.thread_time()
            try:
                return handler(event, context)
            finally:
                use.add(int(context.memory_limit_in_mb), time.thread_time() - started, _IN_FUNCTION.calls)
                _IN_FUNCTION.calls = outer

        return metered

    functions.load_handler = load_handler
    try:
        yield use
    finally:
        functions.load_handler = original


def wait_until_idle(stack: Any, sqs: Any, timeout: float) -> bool:
    """Waits until every stream poller has read all there is and no queue holds a message, visible or in
    flight, twice in a row; False when ``timeout`` seconds were not enough."""
    queues = [m.queue_url for m in stack.provisioned.sqs_mappings]
    deadline, quiet = time.monotonic() + timeout, 0
    while quiet < 2:
        if time.monotonic() > deadline:
            return False
        for poller in stack.stream_pollers:
            poller.caught_up.clear()
        for poller in stack.stream_pollers:
            if not poller.caught_up.wait(max(0.0, deadline - time.monotonic())):
                return False
        quiet = quiet + 1 if messages_held(sqs, queues) == 0 else 0
        time.sleep(0.5)
    return True


def bulk_cost_rows(meter: Meter, use: FunctionUse, lines: int) -> list[CostRow]:
    """Per million lines, before e-mail: no API Gateway (the sender drops one archive in the bucket)."""
    per = 1 / lines

    def count(service: str, operations: set[str] | None = None) -> float:
        return sum(n for name, n in meter.calls.items()
                   if name.split(":")[0] == service and (operations is None or name.split(":")[1] in operations)) * per

    rows = [
        CostRow("Lambda requests (every function: bulk steps and workers, outbox, archive, statistics, e-mail, "
                "audit)", use.invocations * per, PRICES["lambda_request"]),
        CostRow(f"Lambda compute, GB-s (measured CPU + {API_SECONDS_PER_CALL * 1000:.0f} ms per AWS call, "
                "template memory)", use.gb_seconds * per, PRICES["lambda_gb_second_arm"]),
        CostRow("S3 PUT/COPY/DELETE/LIST", count("s3", S3_PUT_OPERATIONS), PRICES["s3_put"]),
        CostRow("S3 GET/HEAD", count("s3") - count("s3", S3_PUT_OPERATIONS), PRICES["s3_get"]),
        CostRow("DynamoDB write units (item sizes, ×2 in transactions, one per index written)", meter.wru * per,
                PRICES["dynamodb_wru"]),
        CostRow("DynamoDB read units", meter.rru * per, PRICES["dynamodb_rru"]),
        CostRow("KMS requests (ECC)", count("kms"), PRICES["kms_request_ecc"]),
        CostRow("EventBridge events", meter.events * per, PRICES["eventbridge_event"]),
        CostRow("SQS requests (the pollers' receives included, as Lambda's are billed)", count("sqs"),
                PRICES["sqs_request"]),
    ]
    return [r for r in rows if r.per_message]
