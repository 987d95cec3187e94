"""Brokers that are down, for the tests that show nothing waits on them for long.

Two ways Redis can be down: nothing listens (the connection is refused at once), or something
accepts the connection and never answers (a hung server, a half-open firewall): the slow case,
where only timeouts help.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

#: Nothing listens on port 1: a connection is refused at once.
REFUSING_REDIS = "redis://127.0.0.1:1/0"


@contextmanager
def silent_redis() -> Iterator[str]:
    """A Redis URL whose server accepts connections and never says a word."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(128)  # the kernel completes the handshakes; nobody ever reads or replies
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        server.close()


@contextmanager
def redis_down(kind: str) -> Iterator[str]:
    """A Redis URL that is down in the way named: "refusing" or "silent"."""
    if kind == "refusing":
        yield REFUSING_REDIS
    else:
        with silent_redis() as url:
            yield url
