"""Starting the kiosk: the Qt application, the QML engine, the bus; and ``--screenshots``."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow

from access.bus.client import mqtt_login
from access.payments.provider import PaymentProvider, from_config
from access.services.context import Site
from access.services.rules import entrance_node
from access.texts import Language
from kiosk.bus import KioskBus
from kiosk.controller import Kiosk
from kiosk.watchdog import Watchdog

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


def provider_for(site: Site) -> PaymentProvider | None:
    return from_config(site.config)


def make_bus(site: Site) -> KioskBus:
    config = site.config
    login = mqtt_login(config, "kiosk")
    return KioskBus(config.mqtt.url, config.site.id, entrance_node(site), username=login.username,
                    password=login.password, client_id=login.client_id, ca_file=login.ca_file)


class KioskWindow:
    """The engine, its window and the root view-model, ready to show."""

    def __init__(self, site: Site, *, bus: KioskBus | None, provider: PaymentProvider | None,
                 language: Language | None = None, size: tuple[int, int] = SIZES[0],
                 rotation: int = 0) -> None:
        application()
        self.kiosk = Kiosk(site, bus=bus, provider=provider, language=language)
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
        self.resize(*size)

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


def run(site: Site, *, windowed: bool = False) -> int:
    """The kiosk until SIGTERM (systemd) or Ctrl-C."""
    app = application()
    view = KioskWindow(site, bus=make_bus(site), provider=provider_for(site),
                       rotation=site.config.kiosk.rotation)
    if windowed:
        view.window.show()
    else:
        view.window.showFullScreen()
        app.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
    view.kiosk.start()
    watchdog = Watchdog()
    # READY once the home screen is on the glass: systemd (and bench_kiosk) time the start to here
    view.window.frameSwapped.connect(watchdog.ready, Qt.ConnectionType.SingleShotConnection)
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
