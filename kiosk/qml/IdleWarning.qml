import QtQuick

// "Are you still there?": the screen was left alone; a countdown, then home. Any touch stays.
Rectangle {
    id: veil
    required property var kiosk
    property real u: 1
    readonly property var watch: kiosk.idleWatch
    objectName: "idleWarning"
    visible: watch.warning
    anchors.fill: parent
    color: "#cc1f2a2e"
    MouseArea { anchors.fill: parent; onClicked: veil.kiosk.touched() }  // the touch stays here
    Rectangle {
        anchors.centerIn: parent
        width: parent.width * 0.7
        height: box.implicitHeight + 48 * veil.u
        radius: 18 * veil.u
        color: Theme.card
        Column {
            id: box
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                      margins: 24 * veil.u }
            spacing: 16 * veil.u
            Label {
                u: veil.u
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: veil.kiosk.s["idle.title"]
                font.pixelSize: 36 * veil.u
                font.bold: true
                maximumLineCount: 2
            }
            Label {
                objectName: "idleCountdown"
                u: veil.u
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: veil.kiosk.s["idle.countdown"].replace("{seconds}", veil.watch.seconds)
                color: Theme.muted
                font.pixelSize: 24 * veil.u
                maximumLineCount: 1
            }
            BigButton {
                objectName: "idleStay"
                u: veil.u
                anchors.horizontalCenter: parent.horizontalCenter
                width: parent.width * 0.6
                primary: true
                text: veil.kiosk.s["idle.stay"]
                onClicked: veil.kiosk.touched()
            }
        }
    }
}
