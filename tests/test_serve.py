"""`python3 build.py serve` as a class meets it: many first visits at once, odd requests,
folders. Every request gets an answer, and the server stays up. (Loopback only.)"""

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sitebuild import serve


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>ok</title>")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "default.npz").write_bytes(b"PK")
    server = serve.make_server("127.0.0.1", 0, tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def status(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_hundred_visits_at_once_are_all_answered(server):
    with ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(pool.map(lambda _: status(server, "/index.html"), range(200)))
    assert answers == [200] * 200


def test_the_accept_queue_holds_a_class_arriving_together():
    # Python's default is 5: beyond it a busy server's new connections wait for SYN retries.
    assert serve.ClassServer.request_queue_size >= 128


def test_a_very_long_path_is_refused_with_414_and_the_server_stays_up(server):
    assert status(server, "/" + "a" * 8000) == 414
    assert status(server, "/index.html") == 200


def test_a_nul_byte_in_the_path_is_a_bad_request(server):
    assert status(server, "/index%00.html") == 400
    assert status(server, "/index.html") == 200


def test_folders_are_not_listed(server):
    assert status(server, "/models/") == 404
    assert status(server, "/models/default.npz") == 200
    assert status(server, "/") == 200  # a folder with index.html is that page


@pytest.mark.parametrize("isolated", [True, False])
def test_the_server_tells_its_listener_each_path_it_answers(tmp_path, isolated):
    (tmp_path / "index.html").write_text("<!doctype html><title>ok</title>")
    server = serve.make_server("127.0.0.1", 0, tmp_path, isolated=isolated)
    heard = []
    server.heard = heard.append  # how the browser tests count what an engine fetched
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert [status(port, "/index.html"), status(port, "/missing.bin?v=1")] == [200, 404]
    finally:
        server.shutdown()
        server.server_close()
    assert heard == ["/index.html", "/missing.bin?v=1"]
