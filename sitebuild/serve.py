"""Serving dist/: the headers a PyScript worker needs, precompressed twins, a class's load;
or, for the tests, as a plain static host would (no isolation headers, no twins)."""

from __future__ import annotations

import http.server
import os
import sys
from pathlib import Path

from .steps import DIST, BuildError

MIME_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".json": "application/json",
    ".py": "text/plain",
    ".npz": "application/octet-stream",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
}
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}


#: The longest request path served; a longer one is answered 414 (a real path is < 200).
MAX_PATH = 2048


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """What both servers say of a request: nothing, unless BACKPROP_LOG_REQUESTS is set; and
    its path to the server's ``heard`` (when it has one: the browser tests count what each
    engine fetched)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def log_request(self, code="-", size="-") -> None:
        if self.server.heard is not None:
            self.server.heard(self.path)
        super().log_request(code, size)

    def log_message(self, format: str, *args) -> None:
        if os.environ.get("BACKPROP_LOG_REQUESTS"):
            super().log_message(format, *args)


class SiteHandler(QuietHandler):
    """Serves dist/ with the headers a PyScript worker needs (cross-origin isolation for
    SharedArrayBuffer) and the MIME types module scripts and wasm require. Whatever a
    request holds, it gets an answer: an odd path a 4xx, a folder no listing."""

    def send_head(self):
        if len(self.path) > MAX_PATH:
            self.send_error(http.HTTPStatus.REQUEST_URI_TOO_LONG)
            return None
        try:
            return self._send_file()
        except (OSError, ValueError):  # a NUL byte, a name the file system refuses
            self.send_error(http.HTTPStatus.BAD_REQUEST)
            return None

    def list_directory(self, path):
        """No listings: a folder without index.html is not found."""
        self.send_error(http.HTTPStatus.NOT_FOUND)
        return None

    def _send_file(self):
        """A file with a gzipped twin beside it (X and X.gz) goes out as the twin, with
        Content-Encoding: gzip, to a browser that accepts it: fewer bytes on the wire, and
        the browser, not the page, inflates them."""
        path = Path(self.translate_path(self.path))
        twin = path.with_name(path.name + ".gz")
        if path.is_file() and twin.is_file() and "gzip" in self.headers.get("Accept-Encoding", ""):
            self.send_response(http.HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(twin.stat().st_size))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return twin.open("rb")
        return super().send_head()

    def end_headers(self) -> None:
        for name, value in ISOLATION_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")  # revalidate: a rebuild shows at once
        super().end_headers()


class PlainHandler(QuietHandler):
    """Serves dist/ as a plain static host does (``python3 -m http.server``, a bucket, GitHub
    Pages): the right MIME types, but no isolation headers (so no SharedArrayBuffer in the
    page) and no gzipped twins (the 36 MB snapshot goes out as it is)."""


class ClassServer(http.server.ThreadingHTTPServer):
    """A server a class can open at once: a deep accept queue (the default, 5, drops
    connections when 30 students arrive together) and threads that never hold up a stop."""

    request_queue_size = 256
    daemon_threads = True
    #: Called with each answered request's path, if set.
    heard = None

    def handle_error(self, request, client_address) -> None:
        """A browser that leaves in the middle of a download (a closed tab) is no error."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def make_server(host: str, port: int, directory: Path = DIST, isolated: bool = True) -> ClassServer:
    """A server of ``directory``: ours (``isolated``, with the headers above), or a plain one."""
    kind = SiteHandler if isolated else PlainHandler
    handler = lambda *a, **kw: kind(*a, directory=str(directory), **kw)  # noqa: E731
    return ClassServer((host, port), handler)


def serve(host: str, port: int) -> None:
    if not (DIST / "index.html").exists():
        raise BuildError("dist/ has not been built; run without --no-build")
    server = make_server(host, port)
    print(
        f"Backprop Lab is served at http://{host}:{server.server_address[1]}/  (Ctrl-C stops)",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        server.server_close()
