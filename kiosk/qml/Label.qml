import QtQuick

// Text that wraps, and says (elides) rather than spills when it cannot fit.
// Give its size as ``size`` (in pixels at 800x480 times ``u``), not font.pixelSize: ``size``
// follows [kiosk] text_scale.
Text {
    property real u: 1
    property real size: 20 * u
    color: Theme.ink
    font.pixelSize: size * Theme.textScale
    wrapMode: Text.WordWrap
    elide: Text.ElideRight
    verticalAlignment: Text.AlignVCenter
    // the enums as numbers, for the layout tests (PySide6 cannot read QQuickText's enums)
    readonly property int alignH: horizontalAlignment
    readonly property int alignV: verticalAlignment
    readonly property int wrapping: wrapMode
    readonly property int fitting: fontSizeMode
}
