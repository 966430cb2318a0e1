"""The page's WebAssembly SIMD matrix product (web/runtime/matmul_simd.*), checked in Node.js.

The page checks it at every start on a few shapes (web/worker/matmul_simd.py); here it meets
many: every row count from 1 to 13 (the kernel works on blocks of 4 rows), column counts on
both sides of its blocks of 8, and A both row-major and transposed.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"


def test_the_simd_kernel_multiplies_every_shape_in_both_layouts(tmp_path):
    if not (DIST / "runtime" / "matmul_simd.wasm").exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    # As .mjs, so that every Node.js 20 reads it as the ES module it is.
    shutil.copy(DIST / "runtime" / "matmul_simd.js", tmp_path / "matmul_simd.mjs")
    shutil.copy(DIST / "runtime" / "matmul_simd.wasm", tmp_path / "matmul_simd.wasm")
    check = ROOT / "tests" / "matmul_simd_check.mjs"
    run = subprocess.run(
        ["node", str(check), str(tmp_path / "matmul_simd.mjs")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["products"] == 2 * 13 * 5 * 6
    assert result["outside"] == 0
    assert result["worst"] < 1e-6  # float32 rounding of sums of up to 37 terms
