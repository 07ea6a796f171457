"""What goes into the frozen bundle, shared by ``installer/yichuang.spec`` and its test.

Kept free of PyInstaller imports so that ``tests/installer/test_spec.py`` can check it (and the
spec) in every CI run without PyInstaller installed.

- ``datas()``: every file under ``resources/`` (found at run time through ``app.resources``, which
  looks in ``sys._MEIPASS/resources`` when frozen) and Alembic's script folder
  (``app/models/migrations``: env.py, script.py.mako, versions/*.py), which Alembic reads as files.
- ``EXCLUDED_MODULES``: Qt modules and Python packages the program never imports.
- ``wanted_in_bundle()``: the filter the spec applies to the binaries and data files PyInstaller's
  Qt hooks collect, so that only the Qt plugins and libraries the desk and the kiosk use are shipped.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent

# Entries of resources/ that are build by-products, never data.
_SKIPPED_PARTS = {"__pycache__", ".DS_Store"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def _files_under(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not _SKIPPED_PARTS.intersection(path.relative_to(folder).parts)
        and path.suffix not in _SKIPPED_SUFFIXES
    )


def resource_datas(repo: Path = REPO) -> list[tuple[str, str]]:
    """(source file, destination folder in the bundle) for every file under ``resources/``."""
    root = repo / "resources"
    return [
        (str(path), str(PurePosixPath("resources", *path.relative_to(root).parent.parts)))
        for path in _files_under(root)
    ]


def migration_datas(repo: Path = REPO) -> list[tuple[str, str]]:
    """Alembic's folder as plain files: env.py, script.py.mako and versions/*.py."""
    root = repo / "app" / "models" / "migrations"
    wanted = [root / "env.py", root / "script.py.mako", *sorted((root / "versions").glob("*.py"))]
    return [
        (str(path), str(PurePosixPath("app", "models", "migrations", *path.relative_to(root).parent.parts)))
        for path in wanted
        if path.is_file()
    ]


def datas(repo: Path = REPO) -> list[tuple[str, str]]:
    return resource_datas(repo) + migration_datas(repo)


# Alembic runs env.py and the version scripts from files: what they import must be collected
# although no module of the program imports it statically. The rest are imported lazily or through
# C extensions that PyInstaller's analysis does not follow.
HIDDEN_IMPORTS = [
    "alembic.context",
    "alembic.op",
    "alembic.runtime.environment",
    "alembic.runtime.migration",
    "alembic.ddl.sqlite",
    "alembic.ddl.impl",
    "alembic.operations.ops",
    "alembic.operations.toimpl",
    "alembic.operations.batch",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.sql.default_comparator",
    "logging.config",
    "argon2",
    "argon2.low_level",
    "_argon2_cffi_bindings",
    "_cffi_backend",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "cryptography.hazmat.primitives.serialization",
    "multiprocessing.spawn",
    "concurrent.futures.process",
]

# Qt bindings the program never imports (it uses QtCore, QtGui, QtWidgets, QtPrintSupport, QtPdf,
# QtPdfWidgets and QtCharts, whose library needs Qt6OpenGLWidgets) and Python packages that must not
# be dragged in by optional imports.
EXCLUDED_QT_MODULES = [
    "QtWebEngine",
    "QtWebEngineCore",
    "QtWebEngineWidgets",
    "QtWebEngineQuick",
    "QtWebChannel",
    "QtWebSockets",
    "QtWebView",
    "Qt3DCore",
    "Qt3DRender",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DAnimation",
    "Qt3DExtras",
    "QtQuick3D",
    "QtQuick",
    "QtQuickWidgets",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQml",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtSpatialAudio",
    "QtTextToSpeech",
    "QtDataVisualization",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtDesigner",
    "QtUiTools",
    "QtHelp",
    "QtSql",
    "QtTest",
    "QtXml",
    "QtBluetooth",
    "QtNfc",
    "QtPositioning",
    "QtLocation",
    "QtSensors",
    "QtSerialPort",
    "QtSerialBus",
    "QtRemoteObjects",
    "QtScxml",
    "QtStateMachine",
    "QtHttpServer",
    "QtNetworkAuth",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtSvg",
    "QtSvgWidgets",
    "QtConcurrent",
    "QtDBus",
    "QtAxContainer",
    "QtCanvasPainter",
]
EXCLUDED_MODULES = [f"PySide6.{name}" for name in EXCLUDED_QT_MODULES] + [
    "PyQt5",
    "PyQt6",
    "PySide2",
    "tkinter",
    "_tkinter",
    "pytest",
    "pytestqt",
    "hypothesis",
    "_pytest",
    "IPython",
    "jupyter_client",
    "matplotlib",
    "numpy",
    "pandas",
    "scipy",
    "zxingcpp",
    "pypdf",
    # Only a fallback of python-stdnum for Pythons older than 3.9; collecting it would also add
    # PyInstaller's pkg_resources runtime hook, which imports it at every start (~0.1 s).
    "pkg_resources",
    "setuptools",
    "distutils",
    # Pillow's AVIF codec (5 MB of libraries): reportlab reads JPEG and PNG photos only.
    "PIL._avif",
    "PIL.AvifImagePlugin",
]

# Qt plugin folders and the plugins kept in each (None: the whole folder). The name of a plugin is
# its file name without "lib", a leading "q" and the extension: libqxcb.so -> "xcb",
# qwindows.dll -> "windows". Everything else under the plugins folder is left out.
QT_PLUGINS_KEPT: dict[str, set[str] | None] = {
    # xcb and wayland draw on a Linux desktop (wayland for a cage kiosk session), windows on
    # Windows, offscreen and minimal for screenshots and scripted checks.
    "platforms": {"xcb", "wayland", "wayland-egl", "windows", "direct2d", "offscreen", "minimal"},
    "printsupport": None,  # CUPS on Linux (Windows printing is built into QtPrintSupport)
    "imageformats": {"jpeg", "gif", "ico", "svg"},  # PNG is built into QtGui; photos are JPEG
    "iconengines": None,  # SVG icons of the desktop theme in file dialogs
    "platformthemes": None,  # native file dialogs on GNOME/KDE (gtk3, xdg-desktop-portal)
    "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},
    "generic": None,  # touch screens of kiosk terminals (evdev, TUIO)
    "xcbglintegrations": None,
    "styles": None,  # Windows: the native (windows 11 / vista) widget style
    "wayland-shell-integration": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
}

# Qt libraries that only the left-out modules and plugins use.
_DROPPED_QT_LIBRARY = re.compile(
    r"Qt6(WebEngine|WebChannel|WebSockets|WebView|3D|Quick|Qml|Labs|Lottie|Multimedia|SpatialAudio|"
    r"TextToSpeech|DataVisualization|Graphs|Designer|UiTools|Help|Sql|Test|Bluetooth|Nfc|"
    r"Positioning|Location|Sensors|Serial|RemoteObjects|Scxml|StateMachine|HttpServer|NetworkAuth|"
    r"ShaderTools|VirtualKeyboard|WaylandCompositor|WaylandEgl.*Compositor|PdfQuick|"
    r"EglFS|EglFsKms|Concurrent|SvgWidgets)",
    re.IGNORECASE,
)

_PLUGIN_NAME = re.compile(r"^(lib)?(q(?=[a-z]))?(?P<name>[^.]+)\.(so|dll|dylib)(\..*)?$")


def plugin_name(file_name: str) -> str:
    """``libqxcb.so`` -> ``xcb``; ``qwindows.dll`` -> ``windows``."""
    match = _PLUGIN_NAME.match(file_name)
    return match.group("name") if match else file_name


def wanted_in_bundle(dest_name: str) -> bool:
    """Whether a binary or data file that PyInstaller collected (by its path inside the bundle)
    stays in the bundle. Only Qt's plugins and libraries are filtered; everything else stays."""
    parts = PurePosixPath(dest_name.replace("\\", "/")).parts
    if "Qt6" in parts[-1] and _DROPPED_QT_LIBRARY.search(parts[-1]):
        # Also the links PyInstaller puts beside the executable (libQt6Xyz.so.6 -> PySide6/Qt/lib/...).
        return False
    if "PySide6" not in parts:
        return True
    inner = parts[parts.index("PySide6") + 1 :]
    if "plugins" in inner:
        rest = inner[inner.index("plugins") + 1 :]
        if len(rest) < 2:
            return True
        category, file_name = rest[0], rest[-1]
        if category not in QT_PLUGINS_KEPT:
            return False
        kept = QT_PLUGINS_KEPT[category]
        return kept is None or plugin_name(file_name) in kept
    qt_inner = inner[1:] if inner and inner[0] == "Qt" else inner
    if qt_inner and qt_inner[0] in (
        "qml",
        "translations",
        "metatypes",
        "typesystems",
        "include",
        "glue",
        "scripts",
        "support",
        "doc",
        "examples",
    ):
        # QML modules, Qt's own translations (the program loads none), headers and build files.
        return False
    return not (qt_inner and qt_inner[0] == "resources" and "qtwebengine" in parts[-1].lower())
