import QtQuick

// A touch target: never under 48 px high, whatever the screen.
// ``primary``: the next step (filled). ``mark``: a word beside the label that says what
// colour alone would not ("suggéré", "✓"), for a choice that stands out without being chosen.
Rectangle {
    id: button
    property alias text: label.text
    property real u: 1
    property bool primary: false
    property bool enabledButton: true
    property string mark: ""
    property string accessibleName: ""
    signal clicked()
    implicitHeight: Math.max(48, 64 * u)
    implicitWidth: Math.max(label.implicitWidth + 32 * u, 120 * u)
    radius: 12 * u
    color: !enabledButton ? Theme.disabled : primary ? Theme.accent : Theme.card
    border.color: !enabledButton ? Theme.line : primary ? Theme.accent : Theme.line
    border.width: 2
    opacity: area.pressed ? 0.7 : 1

    Accessible.role: Accessible.Button
    Accessible.name: accessibleName || (mark ? label.text + " (" + mark + ")" : label.text)
    Accessible.onPressAction: if (enabledButton) button.clicked()

    Column {
        anchors.centerIn: parent
        width: parent.width - 16 * button.u
        Label {
            id: label
            u: button.u
            width: parent.width
            height: Math.min(implicitHeight, button.height - 8 * button.u - (tag.visible ? tag.height : 0))
            horizontalAlignment: Text.AlignHCenter
            color: !button.enabledButton ? Theme.disabledInk : button.primary ? Theme.accentInk : Theme.ink
            size: 22 * button.u
            font.bold: true
            maximumLineCount: 2
            fontSizeMode: Text.Fit
            minimumPixelSize: 14
        }
        Label {
            id: tag
            u: button.u
            width: parent.width
            visible: button.mark !== ""
            horizontalAlignment: Text.AlignHCenter
            text: button.mark
            size: 15 * button.u
            color: label.color
            maximumLineCount: 1
        }
    }
    MouseArea {
        id: area
        anchors.fill: parent
        enabled: button.enabledButton
        onClicked: button.clicked()
    }
}
