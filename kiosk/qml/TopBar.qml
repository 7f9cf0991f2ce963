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
    Accessible.role: Accessible.ToolBar
    Accessible.name: title
    Rectangle {  // the bar's lower edge
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: 1; color: Theme.track
    }
    BigButton {
        id: backButton
        objectName: "backButton"
        u: bar.u
        visible: bar.showBack
        anchors { left: parent.left; leftMargin: 8 * bar.u; verticalCenter: parent.verticalCenter }
        width: 150 * bar.u
        height: parent.height - 12 * bar.u
        text: "‹ " + bar.kiosk.s["common.back"]
        accessibleName: bar.kiosk.s["common.back"]
        onClicked: bar.back()
    }
    Label {
        objectName: "title"
        u: bar.u
        anchors { left: backButton.right; right: language.left; top: parent.top; bottom: parent.bottom
                  leftMargin: 12 * bar.u; rightMargin: 12 * bar.u }
        text: bar.title
        size: 26 * bar.u
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
        maximumLineCount: 1
        fontSizeMode: Text.HorizontalFit
        minimumPixelSize: 16
        Accessible.role: Accessible.Heading
        Accessible.name: text
    }
    BigButton {
        id: language
        objectName: "languageButton"
        u: bar.u
        anchors { right: parent.right; rightMargin: 8 * bar.u; verticalCenter: parent.verticalCenter }
        width: 150 * bar.u
        height: parent.height - 12 * bar.u
        text: bar.kiosk.s["language.other"]
        accessibleName: bar.kiosk.s["a11y.language"]
        onClicked: bar.kiosk.toggleLanguage()
    }
}
