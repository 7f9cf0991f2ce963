import QtQuick

// A touch target: never under 48 px high, whatever the screen.
Rectangle {
    id: button
    property alias text: label.text
    property real u: 1
    property bool primary: false
    property bool enabledButton: true
    signal clicked()
    implicitHeight: Math.max(48, 64 * u)
    implicitWidth: Math.max(label.implicitWidth + 32 * u, 120 * u)
    radius: 12 * u
    color: !enabledButton ? Theme.line : primary ? Theme.accent : Theme.card
    border.color: primary ? Theme.accent : Theme.line
    border.width: 2
    opacity: area.pressed ? 0.7 : 1
    Label {
        id: label
        u: button.u
        anchors.fill: parent
        anchors.margins: 8 * button.u
        horizontalAlignment: Text.AlignHCenter
        color: button.primary ? Theme.accentInk : Theme.ink
        font.pixelSize: 22 * button.u
        font.bold: true
        maximumLineCount: 2
        fontSizeMode: Text.Fit
        minimumPixelSize: 12
    }
    MouseArea {
        id: area
        anchors.fill: parent
        enabled: button.enabledButton
        onClicked: button.clicked()
    }
}
