"""The real build: installer/build makes the bundle and smoke-tests it (minutes; not in every CI run).

Run it with

    YICHUANG_BUILD_TEST=1 .venv/bin/python -m pytest tests/installer/test_build.py

It creates build/venv (the project and the pinned PyInstaller from PyPI), writes dist/yichuang/ and on
Linux dist/yichuang-<version>-linux-<arch>.tar.gz, and runs the built program from a folder outside
the checkout with an empty PATH: --version, init --demo, desk --screenshot (offscreen), a batch of
certificates on worker processes, the kiosk screenshot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from app import __version__

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("YICHUANG_BUILD_TEST") != "1",
        reason="builds the installer bundle (minutes): set YICHUANG_BUILD_TEST=1 to run",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="installer/build is the Linux build"),
]


def _results(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    smoke = tmp_path_factory.mktemp("smoke")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("YICHUANG_DB", "YICHUANG_LOG_DIR", "YICHUANG_KEYS_DIR")
    }
    env["YICHUANG_SMOKE_DIR"] = str(smoke)
    done = subprocess.run(
        [str(REPO / "installer" / "build")], cwd=REPO, env=env, capture_output=True, text=True, timeout=3600
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return smoke, _results(smoke / "results.env"), done.stdout


def test_bundle_runs_without_python(build):
    smoke, results, _ = build
    assert results["SMOKE"] == "passed"
    assert results["VERSION"] == __version__
    bundle = Path(results["BUNDLE"])
    assert (bundle / "yichuang").is_file() and os.access(bundle / "yichuang", os.X_OK)
    # The data files sit where app/resources.py looks when frozen (sys._MEIPASS = _internal).
    assert (bundle / "_internal" / "resources" / "fonts" / "DroidSansFallbackFull.ttf").is_file()
    assert (bundle / "_internal" / "app" / "models" / "migrations" / "env.py").is_file()
    # Left out: the big Qt modules.
    names = {p.name for p in (bundle / "_internal").rglob("*")}
    assert not any("WebEngine" in n or n.startswith("libQt63D") or "Quick" in n for n in names)
    screenshot = Path(results["SCREENSHOT"])
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 20_000  # the desk, not an empty window
    assert int(results["BATCH_ISSUED"]) >= 40  # enough to render on worker processes


def test_desk_screenshot_runs_again_from_outside_the_checkout(build, tmp_path):
    """Independently of the build script: the frozen desk renders from another folder, PATH empty."""
    smoke, results, _ = build
    out = tmp_path / "again.png"
    env = {
        "HOME": str(tmp_path),
        "PATH": str(tmp_path / "nothing"),
        "QT_QPA_PLATFORM": "offscreen",
        "YICHUANG_LOG_DIR": str(tmp_path / "logs"),
        "LANG": "C.UTF-8",
    }
    done = subprocess.run(
        [
            str(Path(results["BUNDLE"]) / "yichuang"),
            "--db",
            str(smoke / "smoke.db"),
            "desk",
            "--screenshot",
            str(out),
            "--user",
            "qiantai",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_linux_archive_holds_the_folder_and_the_desktop_files(build):
    _, results, _ = build
    archive = Path(results["ARCHIVE"])
    assert archive.name.startswith(f"yichuang-{__version__}-linux-") and archive.name.endswith(".tar.gz")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    top = archive.name.removesuffix(".tar.gz")
    for member in (
        "yichuang/yichuang",
        "yichuang-desk.desktop",
        "yichuang-kiosk.desktop",
        "INSTALL.txt",
        "INSTALL.md",
        "yichuang/_internal/resources/catalogue/service_items.yaml",
    ):
        assert f"{top}/{member}" in names


def test_build_reports_size_and_start_times(build):
    _, results, stdout = build
    assert int(results["BUNDLE_BYTES"]) > 0
    for key in ("T_VERSION_FROZEN", "T_VERSION_SOURCE", "T_DESK_FROZEN", "T_DESK_SOURCE"):
        assert float(results[key]) > 0
    assert "start time" in stdout and "du -sh" in stdout
