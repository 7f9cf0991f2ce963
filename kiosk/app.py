"""Starting the kiosk: the Qt application, the QML engine, the window; and the cold start.

A cold start draws the home screen from the config alone (this module, ``kiosk.controller``
and the QML import neither SQLAlchemy nor the services), then, after that first frame, opens
the database, the services and the bus on the worker thread (``ColdStart``) and attaches
the other screens: the home screen is on the glass in about half the time it takes to open
everything.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow

from access.config import Config
from access.texts import Language
from kiosk.controller import Kiosk
from kiosk.watchdog import Watchdog

if TYPE_CHECKING:
    from access.payments.provider import PaymentProvider
    from access.services.context import Site
    from kiosk.bus import KioskBus
    from kiosk.screens import Opened

log = logging.getLogger(__name__)

QML = Path(__file__).parent / "qml" / "Main.qml"
SIZES = ((800, 480), (1024, 600), (1280, 800))


def application() -> QGuiApplication:
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    os.environ.setdefault("QT_QUICK_CONTROLS_STYLE", "Basic")
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication([])
    return app  # type: ignore[return-value]


_engine: QQmlApplicationEngine | None = None


def qml_engine() -> QQmlApplicationEngine:
    """The process's one QML engine: windows come and go, the engine stays.

    With Qt 6.8, loading the virtual keyboard's InputPanel in a new engine after another engine
    was deleted crashes now and then (a segfault in an AOT-compiled singleton lookup of
    QtVirtualKeyboard). The kiosk service makes one window; ``--screenshots`` makes four, the
    tests many: they all share this engine.
    """
    global _engine
    if _engine is None:
        _engine = QQmlApplicationEngine()
    return _engine


class KioskWindow:
    """The engine, its window and the root view-model, ready to show."""

    def __init__(self, kiosk: Kiosk, *, size: tuple[int, int] = SIZES[0], rotation: int = 0) -> None:
        application()
        self.kiosk = kiosk
        self.engine = qml_engine()
        before = len(self.engine.rootObjects())
        self.engine.rootContext().setContextProperty("kiosk", self.kiosk)  # every screen's root model
        self.engine.setInitialProperties({"kiosk": self.kiosk, "rotation": rotation})
        self.engine.load(QUrl.fromLocalFile(str(QML)))
        roots = self.engine.rootObjects()
        if len(roots) <= before:
            raise RuntimeError(f"the kiosk screens did not load ({QML})")
        window = roots[-1]
        assert isinstance(window, QQuickWindow)
        self.window = window
        window.frameSwapped.connect(kiosk.frame_drawn)
        self.resize(*size)

    @classmethod
    def over(cls, site: Site, *, bus: KioskBus | None, provider: PaymentProvider | None,
             language: Language | None = None, size: tuple[int, int] = SIZES[0],
             rotation: int = 0) -> KioskWindow:
        """Every screen at once, over a site already open (the tests, the screenshots, the demo)."""
        from kiosk.screens import Screens  # SQLAlchemy and the services: a cold start defers them

        kiosk = Kiosk(site.config, language=language)
        kiosk.attach(Screens.over(kiosk.context(site, bus, provider)))
        return cls(kiosk, size=size, rotation=rotation)

    def resize(self, width: int, height: int) -> None:
        self.window.resize(QSize(width, height))

    def grab(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grabWindow().save(str(path)):
            raise OSError(f"could not write {path}")

    def close(self) -> None:
        """Stop the I/O, then tear the screens down while the view-models they read still exist.

        The engine stays for the next window (see ``qml_engine``).
        """
        self.kiosk.stop()
        self.window.close()
        self.window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


class ColdStart(QObject):
    """The second half of a cold start, after the home screen's first frame: the site (and the
    imports it needs), the rules' entrance and the payment provider on the worker thread; then,
    on the GUI thread, the bus and the screens' view-models (QObjects), attached and started.
    Until then the home screen shows its loading state and a screen touched there waits
    (``Kiosk.go``). A QObject, so that ``frameSwapped`` (sent from the render thread on a Pi)
    reaches ``first_frame`` on the GUI thread."""

    def __init__(self, kiosk: Kiosk, config: Config, *, ready: Callable[[], None],
                 failed: Callable[[Exception], None]) -> None:
        super().__init__(kiosk)
        self.kiosk = kiosk
        self.config = config
        self.ready = ready
        self.failed = failed

    @Slot()
    def first_frame(self) -> None:
        self.ready()
        config = self.config

        def opening() -> Opened:
            from kiosk.screens import open_site_for

            return open_site_for(config)

        self.kiosk.background.run(opening, self._attach, self.failed)

    def _attach(self, opened: Opened) -> None:
        from kiosk.screens import Screens, make_bus  # imported by `opening` already

        site, kiosk = opened.site, self.kiosk
        bus = make_bus(site, opened.entrance)
        kiosk.attach(Screens.over(kiosk.context(site, bus, opened.provider)))
        kiosk.start()


def run(config: Config, *, windowed: bool = False) -> int:
    """The kiosk until SIGTERM (systemd) or Ctrl-C."""
    app = application()
    view = KioskWindow(Kiosk(config), rotation=config.kiosk.rotation)
    if windowed:
        view.window.show()
    else:
        view.window.showFullScreen()
        app.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
    watchdog = Watchdog()

    def cannot_open(error: Exception) -> None:
        log.error("the kiosk cannot open the site: %s", error)
        app.exit(1)

    # READY once the home screen is on the glass (systemd and bench_kiosk time the start to it),
    # then the rest
    start = ColdStart(view.kiosk, config, ready=watchdog.ready, failed=cannot_open)
    view.window.frameSwapped.connect(start.first_frame, Qt.ConnectionType.SingleShotConnection)
    wake = quit_on_signals(app)  # noqa: F841 (kept alive for the loop)
    code = app.exec()
    view.close()
    return int(code)


def quit_on_signals(app: QGuiApplication) -> QTimer:
    """SIGTERM (systemd) and SIGINT (Ctrl-C) end Qt's loop. Keep the returned timer: it wakes
    Python every 250 ms, so the handlers run while Qt waits."""
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    wake = QTimer()
    wake.setInterval(250)
    wake.timeout.connect(lambda: None)
    wake.start()
    return wake
