import QtQuick

// Text that wraps, and says (elides) rather than spills when it cannot fit.
Text {
    property real u: 1
    color: Theme.ink
    font.pixelSize: 20 * u
    wrapMode: Text.WordWrap
    elide: Text.ElideRight
    verticalAlignment: Text.AlignVCenter
}
