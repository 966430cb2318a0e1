"""An emulated network link on loopback: a TCP proxy in front of the site's server that caps
the bandwidth, shared by every connection, and adds latency, so `build.py bench` can time a
first visit as a student on a school's Wi-Fi would see it (localhost hides all transfer).

The link is one pipe each way (``Link``): a chunk of at most ``CHUNK`` bytes is sent when the
pipe is free and takes ``size / rate`` seconds; connections take turns chunk by chunk, as TCP
flows share a bottleneck. Every chunk then arrives half a round trip later, and opening a
connection costs one round trip (TCP's handshake) before its first byte goes out. Only
loopback: it listens on 127.0.0.1 and forwards to a loopback server. Bounded: at most
``MAX_CONNECTIONS`` at once, and each direction of a connection reads no further than
``AHEAD`` seconds of the pipe ahead, so it holds at most the bytes of that and of the
latency (the bytes on the wire).
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import ipaddress
import threading
import time

#: The most bytes sent as one piece: small enough that connections interleave finely.
CHUNK = 16 * 1024
#: Seconds of the pipe one connection may book ahead of the present.
AHEAD = 0.05
MAX_CONNECTIONS = 64


class Link:
    """One direction of the emulated link: ``rate`` bytes a second shared by every
    connection, and ``delay`` seconds from sending a byte to its arrival."""

    def __init__(self, rate: float, delay: float) -> None:
        if rate <= 0 or delay < 0:
            raise ValueError(f"a link needs a positive rate and a delay >= 0, not {rate}, {delay}")
        self.rate, self.delay = rate, delay
        self.free_at = 0.0  # when the pipe has sent everything given to it
        self.times: list[float] = []  # when each chunk arrived (time.time()), in order
        self.totals: list[int] = []  # bytes arrived up to and including that chunk

    def send(self, size: int, now: float) -> float:
        """Queue ``size`` bytes at ``now``; the time they leave the pipe."""
        self.free_at = max(now, self.free_at) + size / self.rate
        return self.free_at

    def arrived(self, size: int, at: float) -> None:
        self.times.append(at)
        self.totals.append((self.totals[-1] if self.totals else 0) + size)

    def bytes_by(self, when: float) -> int:
        """Bytes that had arrived by ``when`` (seconds since the epoch, as ``time.time()``:
        the clock a page's ``performance.timeOrigin`` counts from)."""
        i = bisect.bisect_right(self.times, when)
        return self.totals[i - 1] if i else 0


async def _pump(reader, writer, link: Link, first_delay: float = 0.0) -> None:
    """Carry bytes from ``reader`` to ``writer`` through ``link``: each chunk is written when
    it arrives (a timer per chunk), the end of the stream after the last one."""
    loop = asyncio.get_running_loop()
    on_the_wire: collections.deque = collections.deque()  # chunks sent, in order; None: end

    def arrive() -> None:
        # Timers due at the same moment may fire in any order: each delivers the oldest.
        data = on_the_wire.popleft()
        if writer.is_closing():
            return
        try:
            if data is None:
                writer.write_eof()
            else:
                writer.write(data)
                link.arrived(len(data), time.time())
        except OSError:  # the receiver has gone meanwhile
            writer.close()

    due = loop.time()
    try:
        await asyncio.sleep(first_delay)
        while data := await reader.read(CHUNK):
            sent = link.send(len(data), loop.time())
            due = sent + link.delay
            on_the_wire.append(data)
            loop.call_at(due, arrive)
            # Read on while this connection has less than AHEAD seconds of the pipe booked:
            # a late wake-up (a busy machine) then leaves the pipe no idle gap, and the
            # connections still take turns, as TCP flows do within a window.
            await asyncio.sleep(max(0.0, sent - AHEAD - loop.time()))
    except (ConnectionError, OSError):
        pass  # the sender has gone: deliver what it sent
    on_the_wire.append(None)
    loop.call_at(due, arrive)
    while on_the_wire:  # the connection closes once its last bytes have arrived
        await asyncio.sleep(max(0.001, due - loop.time()))


class ThrottleProxy:
    """The proxy, on its own thread and event loop: ``start()``, use ``url``, ``stop()``.

    ``mbit`` is the bandwidth each way in megabits a second, ``rtt_ms`` the round trip.
    ``down.bytes_by(t)`` tells how many bytes had reached the browser by ``t``.
    """

    def __init__(self, upstream_port: int, mbit: float, rtt_ms: float, upstream_host="127.0.0.1"):
        if not ipaddress.ip_address(upstream_host).is_loopback:
            raise ValueError(f"the proxy forwards to loopback only, not {upstream_host}")
        self.upstream = (upstream_host, upstream_port)
        self.rtt = rtt_ms / 1000
        self.up = Link(mbit * 1e6 / 8, self.rtt / 2)
        self.down = Link(mbit * 1e6 / 8, self.rtt / 2)
        self.port = 0
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server = None
        self._slots = None
        self._writers: set = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> ThrottleProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the throttling proxy did not start")
        return self

    def stop(self) -> None:
        """Close every connection and end the proxy's thread."""
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(10)
            self._thread.join(10)

    async def _close(self) -> None:
        self._server.close()
        for writer in list(self._writers):
            writer.close()  # each pump then reads its end and stops
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=2)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.loop.call_soon(self.loop.stop)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        self._server = self.loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    async def _connection(self, client_reader, client_writer) -> None:
        async with self._slots:
            try:
                server_reader, server_writer = await asyncio.open_connection(*self.upstream)
            except OSError:
                client_writer.close()
                return
            self._writers |= {client_writer, server_writer}
            try:
                await asyncio.gather(
                    _pump(client_reader, server_writer, self.up, first_delay=self.rtt),
                    _pump(server_reader, client_writer, self.down),
                )
            finally:
                for writer in (server_writer, client_writer):
                    writer.close()
                    self._writers.discard(writer)
