"""A real SMTP server for tests (aiosmtpd on a free local port), which can refuse a
recipient with a chosen reply or be slow to answer, and keeps what it accepted."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class RecordingHandler:
    """aiosmtpd handler. `rcpt_replies`, taken one per RCPT command, answer instead of
    accepting (e.g. "550 5.1.1 No such user"); `rcpt_delays`, likewise, are seconds
    to wait before answering. `rcpt_seen` is set at the first RCPT."""

    rcpt_replies: list[str] = field(default_factory=list)
    rcpt_delays: list[float] = field(default_factory=list)
    received: list[EmailMessage] = field(default_factory=list)
    rcpt_seen: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list
    ) -> str:
        self.rcpt_seen.set()
        if self.rcpt_delays:
            await asyncio.sleep(self.rcpt_delays.pop(0))
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Accepting is the moment of delivery: what is stored here has arrived.
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@dataclass
class ConnectionNotingHandler(RecordingHandler):
    """Also notes the connection (client address and port) of each message, and answers
    RCPT for an address in `refused` with the reply given there."""

    peers: list[Any] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list
    ) -> str:
        if address in self.refused:
            return self.refused[address]
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(handler: RecordingHandler | None = None) -> Iterator[tuple[int, RecordingHandler]]:
    """Run an SMTP server on 127.0.0.1 for the block; yields its port and handler."""
    handler = handler or RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, handler
    finally:
        controller.stop()


def use_smtp(settings: Any, port: int) -> None:
    """Send Django's mail in this process to the local server on `port`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
