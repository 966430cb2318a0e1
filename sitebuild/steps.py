"""What every build step shares: the checkout's paths, ``BuildError``, the step report,
running a command (and caching what a Node.js script makes), and pinned, checked downloads."""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
DIST = ROOT / "dist"
VENV = ROOT / ".venv"
NODE_MODULES = ROOT / "node_modules"


class BuildError(RuntimeError):
    """A build step failed; the message says which file and what to do."""


@contextlib.contextmanager
def step(title: str):
    """Print what a build step did and how long it took: the step sets ``report["result"]``."""
    start = time.perf_counter()
    report = {"result": "done"}
    yield report
    print(f"  {time.perf_counter() - start:6.1f} s  {title}: {report['result']}", flush=True)


def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, Path):
        digest = hashlib.sha256()
        with data.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()


def verify_sha256(name: str, data: bytes | Path, expected: str) -> None:
    """Stop the build unless ``data`` has the pinned sha256."""
    actual = sha256_of(data)
    if actual != expected:
        raise BuildError(
            f"{name}: sha256 mismatch\n  expected {expected}\n  actual   {actual}\n"
            "The download is corrupt or not the pinned file; nothing was used."
        )


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, check=True, **kwargs)
    except FileNotFoundError:
        raise BuildError(f"{cmd[0]} is not installed; see README's prerequisites") from None
    except subprocess.CalledProcessError as exc:
        raise BuildError(
            f"`{' '.join(map(str, cmd))}` failed with exit code {exc.returncode}"
        ) from None


def fetch_wheel(name: str, version: str, sha256: str) -> Path:
    """A pinned wheel from the package registry (by name, with pip), cached and verified."""
    folder = CACHE / "downloads"
    for cached in folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"):
        if sha256_of(cached) == sha256:
            return cached
        cached.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--dest",
            str(folder),
            f"{name}=={version}",
        ]
    )
    wheels = list(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise BuildError(f"pip did not download {name}=={version}")
    verify_sha256(wheels[0].name, wheels[0], sha256)
    return wheels[0]


def made_by_node(script: str, args: list[str], inputs: list[Path], name: str) -> Path:
    """The file the Node.js ``script`` writes (to its first argument, then ``args``), kept in
    .cache/ and made again only when the script, its arguments or an input file changes."""
    digest = sha256_of("".join([script, *args, *map(sha256_of, inputs)]).encode())
    target = CACHE / "node-made" / f"{digest[:16]}-{name}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f"*-{name}"):
            stale.unlink()
        partial = target.with_name(target.name + ".partial")
        run(["node", "--input-type=module", "-e", script, str(partial), *args])
        partial.rename(target)
    return target
