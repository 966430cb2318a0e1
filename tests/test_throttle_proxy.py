"""The emulated link of `build.py bench` (benchmarks/throttle_proxy.py): it delivers bytes
at its cap, shares the cap between connections, and adds the round trips it claims."""

import socket
import threading
import time

import pytest

from benchmarks.throttle_proxy import Link, ThrottleProxy


def test_a_link_sends_one_chunk_after_another_at_its_rate():
    link = Link(rate=1000, delay=0.02)
    assert link.send(500, now=0.0) == pytest.approx(0.5)
    assert link.send(500, now=0.1) == pytest.approx(1.0)  # waits for the first
    assert link.send(100, now=5.0) == pytest.approx(5.1)  # an idle link starts at once


def test_a_link_counts_the_bytes_arrived_by_a_moment():
    link = Link(rate=1000, delay=0)
    link.arrived(300, at=10.0)
    link.arrived(200, at=11.0)
    assert [link.bytes_by(t) for t in (9.9, 10.0, 10.5, 11.0, 99)] == [0, 300, 300, 500, 500]


def test_the_proxy_forwards_to_loopback_only():
    with pytest.raises(ValueError, match="loopback"):
        ThrottleProxy(80, mbit=20, rtt_ms=40, upstream_host="192.0.2.1")


class Sender:
    """A loopback server that answers each connection with ``size`` bytes, then closes."""

    def __init__(self, size):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.payload = bytes(size)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn):
        with conn:
            conn.recv(100)
            conn.sendall(self.payload)


def takes(seconds, expected):
    """Never sooner than the link allows, and not much later (a busy machine is slower)."""
    return expected * 0.97 <= seconds <= expected * 1.4


def fetch(port):
    """Send a request, read the answer to its end: (bytes read, seconds)."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
        got = 0
        while data := conn.recv(65536):
            got += len(data)
    return got, time.perf_counter() - started


@pytest.fixture
def link_8mbit():
    """400 KB behind a link of 8 Mbit/s (1 MB/s) with a 40 ms round trip."""
    sender = Sender(400_000)
    proxy = ThrottleProxy(sender.port, mbit=8, rtt_ms=40).start()
    yield proxy
    proxy.stop()
    sender.socket.close()


def test_the_proxy_delivers_a_download_at_its_cap(link_8mbit):
    got, seconds = fetch(link_8mbit.port)
    assert got == 400_000
    # 0.4 s on the wire, plus a round trip to connect and one for the request and answer.
    assert takes(seconds, 0.4 + 0.08)
    assert link_8mbit.down.bytes_by(time.time()) == 400_000


def test_connections_share_the_cap(link_8mbit):
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(fetch(link_8mbit.port))) for _ in range(2)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    both = time.perf_counter() - started
    assert [got for got, _ in results] == [400_000, 400_000]
    # Together they take the time of 800 KB, and each gets about half the link meanwhile
    # (alone, 400 KB take 0.48 s).
    assert takes(both, 0.8 + 0.08)
    assert min(seconds for _, seconds in results) > 0.6


def test_a_small_answer_costs_two_round_trips():
    sender = Sender(10)
    proxy = ThrottleProxy(sender.port, mbit=100, rtt_ms=100).start()
    try:
        got, seconds = fetch(proxy.port)
    finally:
        proxy.stop()
        sender.socket.close()
    assert got == 10
    assert takes(seconds, 0.2)
