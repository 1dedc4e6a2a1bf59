"""An SMTP server for the reminder benchmark, in a process of its own: it accepts every
message and appends its outbox key (the X-LabPortal-Event header) to a file, one line
per accepted message, so duplicates are counted from what actually arrived.

Its own process, because the workers' sends must not wait for the benchmark's
interpreter (its GIL); and it reads only the one header, not the whole message, so it
is not the bottleneck it measures (see test_bench_reminders).

Run: python bench/smtp_sink.py PORT FILE; prints "ready" once it listens."""

from __future__ import annotations

import re
import signal
import sys
import threading
from typing import Any

from aiosmtpd.controller import Controller

KEY = re.compile(rb"^X-LabPortal-Event:[ \t]*(.+?)\r?$", re.MULTILINE | re.IGNORECASE)


class KeyRecorder:
    """Append each accepted message's key to `out` (unbuffered by line)."""

    def __init__(self, out: Any) -> None:
        self.out = out

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        found = KEY.search(head)
        key = found.group(1).decode() if found else "-"
        self.out.write(f"{key}\n")
        return "250 Message accepted for delivery"


def main(port: int, path: str) -> None:
    with open(path, "a", buffering=1) as out:
        controller = Controller(KeyRecorder(out), hostname="127.0.0.1", port=port)
        controller.start()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print("ready", flush=True)
        stop.wait()
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
