import QtQuick

// Title, back and language buttons on every screen but home.
Rectangle {
    id: bar
    required property var kiosk
    property real u: 1
    property string title: ""
    property bool showBack: true
    signal back()
    height: Math.max(56, 72 * u)
    color: Theme.card
    BigButton {
        id: backButton
        u: bar.u
        visible: bar.showBack
        anchors { left: parent.left; leftMargin: 8 * bar.u; verticalCenter: parent.verticalCenter }
        width: 150 * bar.u
        text: "‹ " + bar.kiosk.s["common.back"]
        onClicked: bar.back()
    }
    Label {
        u: bar.u
        anchors { left: backButton.right; right: language.left; top: parent.top; bottom: parent.bottom
                  leftMargin: 12 * bar.u; rightMargin: 12 * bar.u }
        text: bar.title
        font.pixelSize: 26 * bar.u
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
        maximumLineCount: 1
    }
    BigButton {
        id: language
        objectName: "languageButton"
        u: bar.u
        anchors { right: parent.right; rightMargin: 8 * bar.u; verticalCenter: parent.verticalCenter }
        width: 150 * bar.u
        text: bar.kiosk.s["language.other"]
        onClicked: bar.kiosk.toggleLanguage()
    }
}
