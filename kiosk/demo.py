"""``seuil demo``'s windows: the kiosk, and the panel of simulated readers and relays."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtQml import QQmlApplicationEngine

from access.demo.stack import DemoStack
from access.payments.fake import FakeProvider
from kiosk.app import KioskWindow, application, quit_on_signals
from kiosk.demo_panel import DemoPanel
from kiosk.screens import make_bus

PANEL_QML = Path(__file__).parent / "qml" / "DemoPanel.qml"


class PanelWindow:
    def __init__(self, stack: DemoStack, provider: FakeProvider | None = None) -> None:
        application()
        self.panel = DemoPanel(stack, provider)
        self.engine = QQmlApplicationEngine()
        self.engine.setInitialProperties({"demo": self.panel})
        self.engine.load(QUrl.fromLocalFile(str(PANEL_QML)))
        roots = self.engine.rootObjects()
        if not roots:
            raise RuntimeError(f"the demo panel did not load ({PANEL_QML})")
        self.window = roots[0]


def run(stack: DemoStack) -> int:
    """Both windows until they are closed, or Ctrl-C."""
    app = application()
    site = stack.site
    # The QR code is on the payment screen beside the cash box: it is paid when the panel's
    # "phone" pays it, not by itself.
    provider = FakeProvider(paid_after=None)
    kiosk = KioskWindow.over(site, bus=make_bus(site), provider=provider)
    kiosk.window.setTitle("Seuil kiosk (demo)")
    kiosk.window.show()
    kiosk.kiosk.start()
    panel = PanelWindow(stack, provider)
    panel.window.setProperty("x", kiosk.window.x() + 820)
    wake = quit_on_signals(app)  # noqa: F841 (kept alive for the loop)
    code = app.exec()
    kiosk.close()
    return int(code)
