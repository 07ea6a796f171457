"""The PyInstaller spec ships every data file and leaves out the big Qt modules (fast, every run).

The spec is executed with stand-ins for PyInstaller's Analysis/PYZ/EXE/COLLECT, so what is checked
is what PyInstaller would be given; PyInstaller itself is not needed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path, PurePosixPath

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "installer" / "yichuang.spec"


def _load_spec_data():
    spec = importlib.util.spec_from_file_location("yichuang_spec_data", REPO / "installer" / "spec_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Recorder:
    calls: list[tuple[str, tuple, dict]] = []

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        _Recorder.calls.append((type(self).__name__, args, kwargs))
        self.binaries: list = []
        self.datas = list(kwargs.get("datas", []))
        self.pure: list = []
        self.scripts: list = []


class Analysis(_Recorder):
    pass


class PYZ(_Recorder):
    pass


class EXE(_Recorder):
    pass


class COLLECT(_Recorder):
    pass


@pytest.fixture(scope="module")
def executed_spec():
    import sys

    _Recorder.calls = []
    namespace = {
        "Analysis": Analysis,
        "PYZ": PYZ,
        "EXE": EXE,
        "COLLECT": COLLECT,
        "SPECPATH": str(SPEC.parent),
        "__file__": str(SPEC),
        "__name__": "__main__",
    }
    saved_path = list(sys.path)
    try:
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    finally:
        sys.path[:] = saved_path
        sys.modules.pop("spec_data", None)
    analyses = [kwargs for name, _args, kwargs in _Recorder.calls if name == "Analysis"]
    assert len(analyses) == 1
    return namespace, analyses[0]


def _bundled_files(datas) -> set[str]:
    """Bundle-relative paths of the data entries: (source file, destination folder)."""
    return {str(PurePosixPath(dest) / Path(src).name) for src, dest in datas}


def test_every_resource_file_is_in_the_bundle(executed_spec):
    _, analysis = executed_spec
    bundled = _bundled_files(analysis["datas"])
    root = REPO / "resources"
    expected = {
        str(PurePosixPath("resources", *path.relative_to(root).parts))
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert expected, "resources/ is empty?"
    assert expected - bundled == set()
    # The data files the program cannot start without are among them.
    for name in ("fonts/DroidSansFallbackFull.ttf", "catalogue/service_items.yaml", "reference/tags.yaml"):
        assert f"resources/{name}" in bundled


def test_every_migration_is_in_the_bundle(executed_spec):
    _, analysis = executed_spec
    bundled = _bundled_files(analysis["datas"])
    root = REPO / "app" / "models" / "migrations"
    versions = sorted(p.name for p in (root / "versions").glob("*.py"))
    assert versions, "no migrations found"
    for name in versions:
        assert f"app/models/migrations/versions/{name}" in bundled
    assert "app/models/migrations/env.py" in bundled
    assert "app/models/migrations/script.py.mako" in bundled


def test_data_destinations_match_what_the_frozen_program_looks_for(executed_spec, monkeypatch, tmp_path):
    """app.resources looks in sys._MEIPASS/resources and sys._MEIPASS/app/models/migrations."""
    import sys

    from app import resources

    _, analysis = executed_spec
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    bundled = _bundled_files(analysis["datas"])
    root = resources.resource_root().relative_to(tmp_path).as_posix()
    migrations = resources.migrations_path().relative_to(tmp_path).as_posix()
    assert any(path.startswith(root + "/") for path in bundled)
    assert f"{migrations}/env.py" in bundled


def test_entry_point_and_excluded_modules(executed_spec):
    _, analysis = executed_spec
    entry_scripts = next(args[0] for kind, args, _kwargs in _Recorder.calls if kind == "Analysis")
    assert [Path(p).name for p in entry_scripts] == ["entry.py"]
    assert "freeze_support()" in (REPO / "installer" / "entry.py").read_text(encoding="utf-8")
    excludes = set(analysis["excludes"])
    for module in (
        "PySide6.QtWebEngineCore",
        "PySide6.QtWebEngineWidgets",
        "PySide6.Qt3DCore",
        "PySide6.Qt3DRender",
        "PySide6.QtQuick3D",
        "PySide6.QtQuick",
        "PySide6.QtQml",
        "PySide6.QtMultimedia",
        "PySide6.QtDesigner",
    ):
        assert module in excludes
    # ... and none the program imports.
    for module in (
        "PySide6.QtCore",
        "PySide6.QtGui",
        "PySide6.QtWidgets",
        "PySide6.QtPrintSupport",
        "PySide6.QtPdf",
        "PySide6.QtPdfWidgets",
        "PySide6.QtCharts",
    ):
        assert module not in excludes
    assert "alembic.context" in analysis["hiddenimports"]
    assert "sqlalchemy.dialects.sqlite" in analysis["hiddenimports"]


def test_one_executable_named_yichuang_in_one_folder(executed_spec):
    names = [kwargs.get("name") for kind, _args, kwargs in _Recorder.calls if kind == "EXE"]
    assert names[0] == "yichuang"
    collects = [kwargs for kind, _args, kwargs in _Recorder.calls if kind == "COLLECT"]
    assert [c["name"] for c in collects] == ["yichuang"]


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqminimal.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
        ("PySide6/Qt/lib/libQt6PrintSupport.so.6", True),
        ("PySide6/Qt/lib/libQt6Charts.so.6", True),
        ("PySide6/Qt/lib/libQt6OpenGLWidgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt6WebEngineCore.dll", False),
        ("PySide6/Qt/lib/libQt63DCore.so.6", False),
        ("PySide6/Qt/qml/QtQuick/qmldir", False),
        ("libpython3.11.so.1.0", True),
        ("resources/fonts/uming.ttc", True),
    ],
)
def test_qt_filter(dest, kept):
    assert _load_spec_data().wanted_in_bundle(dest) is kept
