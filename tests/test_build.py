"""The build's own logic (sitebuild/): verification, the restricted unpickler, the offline
check, the configs written from web/'s folders, serving."""

import gzip
import io
import json
import os
import pickle
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from sitebuild import data, loading, runtime, serve, site, steps


def test_a_hash_mismatch_stops_the_build_naming_file_and_hashes():
    expected = "0" * 64
    with pytest.raises(steps.BuildError) as error:
        steps.verify_sha256("numpy-2.0.2.whl", b"tampered", expected)
    message = str(error.value)
    assert "numpy-2.0.2.whl: sha256 mismatch" in message
    assert f"expected {expected}" in message
    assert f"actual   {steps.sha256_of(b'tampered')}" in message


def test_the_unpickler_loads_numpy_arrays():
    arrays = (np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], dtype=np.int64))
    loaded = data.load_arrays_pickle(pickle.dumps(arrays, protocol=3))
    assert all(np.array_equal(a, b) for a, b in zip(arrays, loaded, strict=True))


@pytest.mark.parametrize(
    "payload",
    [
        (os.system, ("echo pwned",)),
        (eval, ("1+1",)),
        (np.load, ("x.npy",)),
    ],
)
def test_the_unpickler_refuses_any_other_callable(payload):
    class Hostile:
        def __reduce__(self):
            return payload

    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        data.load_arrays_pickle(pickle.dumps(Hostile(), protocol=2))


def test_the_offline_check_finds_external_urls(tmp_path):
    (tmp_path / "ok.js").write_text(
        'const svg = "http://www.w3.org/2000/svg"; fetch("./data/x.gz"); "http://127.0.0.1:8000/"'
    )
    assert site.offline_violations(tmp_path) == []
    (tmp_path / "bad.html").write_text('<script src="https://cdn.example.org/lib.js"></script>')
    assert site.offline_violations(tmp_path) == ["bad.html: https://cdn.example.org/lib.js"]


def test_vendor_urls_are_pointed_at_our_own_origin():
    text = 'module:(e)=>`https://cdn.jsdelivr.net/pyodide/v${e}/full/pyodide.mjs`,ns="http://www.w3.org/2000/svg"'
    out = runtime._neutralise_urls(text)
    assert "jsdelivr.net/pyodide" in out and "https://" not in out
    assert "http://www.w3.org/2000/svg" in out


def test_built_dist_refers_to_no_other_host():
    if not (steps.DIST / "index.html").exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    assert site.offline_violations(steps.DIST) == []


def test_server_sends_isolation_headers_and_mime_types(tmp_path):
    (tmp_path / "a.mjs").write_text("export {}")
    (tmp_path / "b.wasm").write_bytes(b"\0asm")
    server = serve.make_server("127.0.0.1", 0, tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(f"{base}/a.mjs") as response:
            assert response.headers["Content-Type"] == "text/javascript"
            assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
            assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
            assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        with urllib.request.urlopen(f"{base}/b.wasm") as response:
            assert response.headers["Content-Type"] == "application/wasm"
    finally:
        server.shutdown()
        server.server_close()


def test_a_file_with_a_gzipped_twin_goes_out_gzipped_to_browsers_that_accept_it(tmp_path):
    (tmp_path / "memory.bin").write_bytes(b"\0" * 1000)
    (tmp_path / "memory.bin.gz").write_bytes(gzip.compress(b"\0" * 1000))
    server = serve.make_server("127.0.0.1", 0, tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/memory.bin"
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
            assert gzip.decompress(response.read()) == b"\0" * 1000
        with urllib.request.urlopen(url) as response:  # no Accept-Encoding: the file itself
            assert response.headers["Content-Encoding"] is None
            assert response.read() == b"\0" * 1000
    finally:
        server.shutdown()
        server.server_close()


def test_a_plain_server_sends_mime_types_but_no_isolation_headers_and_no_twins(tmp_path):
    (tmp_path / "a.mjs").write_text("export {}")
    (tmp_path / "memory.bin").write_bytes(b"\0" * 1000)
    (tmp_path / "memory.bin.gz").write_bytes(gzip.compress(b"\0" * 1000))
    server = serve.make_server("127.0.0.1", 0, tmp_path, isolated=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(f"{base}/a.mjs") as response:
            assert response.headers["Content-Type"] == "text/javascript"
            assert response.headers["Cross-Origin-Opener-Policy"] is None
            assert response.headers["Cross-Origin-Embedder-Policy"] is None
            assert response.headers["Cross-Origin-Resource-Policy"] is None
        request = urllib.request.Request(f"{base}/memory.bin", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] is None
            assert response.read() == b"\0" * 1000
    finally:
        server.shutdown()
        server.server_close()


def test_the_headers_file_asks_static_hosts_for_our_servers_isolation_headers(tmp_path):
    site.write_headers_file(tmp_path)
    assert (tmp_path / "_headers").read_text().splitlines()[1:] == [
        "/*",
        "  Cross-Origin-Opener-Policy: same-origin",
        "  Cross-Origin-Embedder-Policy: require-corp",
        "  Cross-Origin-Resource-Policy: same-origin",
    ]


def test_the_built_headers_file_is_not_in_the_offline_list():
    """Netlify and Cloudflare Pages read _headers and do not serve it: listed, it would make
    the service worker's install fail there."""
    if not (steps.DIST / "index.html").exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    assert (steps.DIST / "_headers").is_file()
    assert "_headers" not in (steps.DIST / "offline-files.js").read_text()


def test_mnist_idx_files_are_rebuilt_from_the_pickle_layout():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (5, 784)).astype(np.uint8)
    labels = np.arange(5)
    split = (pixels.astype(np.float32) / 256, labels)
    pickled = pickle.dumps((split, split, split), protocol=3)
    files = data.mnist_idx_from_pickle(pickled)
    from pynet.data import parse_idx

    assert np.array_equal(parse_idx(files["train-images-idx3-ubyte"]).reshape(-1, 784)[:5], pixels)
    assert parse_idx(files["train-labels-idx1-ubyte"]).tolist() == [0, 1, 2, 3, 4] * 2
    assert io.BytesIO(files["t10k-images-idx3-ubyte"]).read(4) == b"\x00\x00\x08\x03"


def _offline_files(folder: Path) -> dict:
    text = (folder / "offline-files.js").read_text()
    return json.loads(text[text.index("{") : text.rindex("}") + 1])


def test_every_pyodide_worker_gets_the_simd_kernel_and_it_is_kept_offline():
    """The workers' config brings matmul_simd.py and its JS module; the compiled kernel is a
    WebAssembly binary (not its text source), in the offline copy."""
    if not (steps.DIST / "index.html").exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    config = json.loads((steps.DIST / site.WORKER_CONFIG).read_text())
    assert config["files"]["./worker/matmul_simd.py"] == "./matmul_simd.py"
    assert config["js_modules"] == {"worker": {"./runtime/matmul_simd.js": "matmul_simd_js"}}
    assert (steps.DIST / "runtime" / "matmul_simd.wasm").read_bytes()[:4] == b"\0asm"
    assert not (steps.DIST / "runtime" / "matmul_simd.wat").exists()
    listed = set(_offline_files(steps.DIST)["files"])
    assert {"./runtime/matmul_simd.wasm", "./runtime/matmul_simd.js"} <= listed
    assert "./worker/matmul_simd.py" in listed


def test_the_configs_are_written_from_webs_folders():
    """Every module of web/page/ reaches the main thread and every module of web/worker/ each
    worker, so a new view or worker module needs no config edit."""
    if not (steps.DIST / "index.html").exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    main = json.loads((steps.DIST / site.MAIN_CONFIG).read_text())
    page = {p.name for p in (site.WEB / "page").glob("*.py")} - {"main.py"}
    assert set(main["files"]) == {f"./page/{name}" for name in page}
    worker = json.loads((steps.DIST / site.WORKER_CONFIG).read_text())
    modules = {p.name for p in (site.WEB / "worker").glob("*.py")}
    assert {f"./worker/{name}" for name in modules} <= set(worker["files"])
    assert worker["interpreter"] == "./runtime/start_pyodide.mjs"


def test_the_offline_list_skips_the_benchmark_and_versions_the_contents(tmp_path):
    names = (
        "index.html",
        "pyodide/pyodide.mjs",
        "pyodide/snapshot.bin",
        "pyodide/snapshot.bin.gz",  # how the server sends snapshot.bin: not kept twice
        "data/t10k-labels-idx1-ubyte.gz",  # a file of its own
        "bench/bench.html",
        "bench/vendor/tfjs/tf.min.js",
    )
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    site.write_offline_files(tmp_path)
    listed = _offline_files(tmp_path)
    assert listed["files"] == [
        "./",
        "./data/t10k-labels-idx1-ubyte.gz",
        "./index.html",
        "./pyodide/pyodide.mjs",
        "./pyodide/snapshot.bin",
    ]

    site.write_offline_files(tmp_path)
    assert _offline_files(tmp_path)["version"] == listed["version"]
    (tmp_path / "index.html").write_text("changed")
    site.write_offline_files(tmp_path)
    assert _offline_files(tmp_path)["version"] != listed["version"]


def test_node_made_files_are_kept_until_their_script_args_or_inputs_change(tmp_path, monkeypatch):
    monkeypatch.setattr(steps, "CACHE", tmp_path / "cache")
    script = (
        'import { appendFileSync, writeFileSync } from "node:fs";'
        "const [target, text, log] = process.argv.slice(1);"
        "writeFileSync(target, text); appendFileSync(log, 'ran ');"
    )
    log, source = tmp_path / "log", tmp_path / "input"
    source.write_text("1")
    first = steps.made_by_node(script, ["a", str(log)], [source], "out.txt")
    again = steps.made_by_node(script, ["a", str(log)], [source], "out.txt")
    assert first == again and first.read_text() == "a" and log.read_text() == "ran "

    source.write_text("2")
    changed = steps.made_by_node(script, ["b", str(log)], [source], "out.txt")
    assert changed.read_text() == "b" and log.read_text() == "ran ran "
    assert not first.exists()  # the stale one is gone


def test_large_text_and_wasm_get_a_gzip_twin_with_the_same_contents(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "CACHE", tmp_path / "cache")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "big.js").write_text("const x = 1;\n" * 2000)
    (out / "small.js").write_text("const x = 1;\n")
    (out / "noise.wasm").write_bytes(np.random.default_rng(0).bytes(20000))  # incompressible
    site.write_gzip_twins(out)
    assert gzip.decompress((out / "big.js.gz").read_bytes()) == (out / "big.js").read_bytes()
    assert not (out / "small.js.gz").exists() and not (out / "noise.wasm.gz").exists()


def test_the_built_runtime_goes_out_compressed():
    if not (steps.DIST / "index.html").exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    wasm = steps.DIST / "pyodide" / "pyodide.asm.wasm"
    assert wasm.with_name("pyodide.asm.wasm.gz").stat().st_size < 0.4 * wasm.stat().st_size


def test_the_loading_view_is_told_the_size_of_an_engine_start(tmp_path):
    (tmp_path / "pyodide").mkdir()
    (tmp_path / "pyodide" / "pyodide.asm.wasm").write_bytes(b"w" * 1_500_000)
    (tmp_path / "pyodide" / "pyodide-lock.json").write_bytes(b"{" * 100_000)  # read twice
    (tmp_path / "pyodide" / "unrelated.js").write_bytes(b"x" * 9_000_000)
    (tmp_path / "index.html").write_text('<output data-testid="app-status" role="status">')
    assert loading.mark_start_size(tmp_path) == "an engine start reads 1.7 MB"
    assert (
        'data-testid="app-status" data-start-mb="1.7" role' in (tmp_path / "index.html").read_text()
    )
