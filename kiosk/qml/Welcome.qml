import QtQuick

// After a tap: hello, in or out, membership, balance, trainings; or why not, and what to do.
Item {
    id: page
    objectName: "welcome"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var w: k.welcome.state

    Rectangle {
        anchors.fill: parent
        color: page.w.allowed ? Theme.background : "#fbeeee"
    }
    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.w.title || ""
        onBack: page.k.go_home()
    }
    Column {
        anchors { left: parent.left; right: parent.right; top: bar.bottom; bottom: parent.bottom
                  margins: 24 * page.uu }
        spacing: 10 * page.uu
        Label {
            objectName: "headline"
            u: page.uu
            width: parent.width
            text: page.w.headline || ""
            font.pixelSize: 34 * page.uu
            font.bold: true
            color: page.w.allowed ? Theme.accent : Theme.bad
            maximumLineCount: 2
        }
        Repeater {
            model: page.w.lines || []
            Label {
                required property string modelData
                u: page.uu
                width: parent.width
                text: modelData
                font.pixelSize: 24 * page.uu
                maximumLineCount: 3
            }
        }
        Rectangle {
            visible: (page.w.reminder || "") !== ""
            width: parent.width
            height: reminder.implicitHeight + 20 * page.uu
            radius: 10 * page.uu
            color: "#fff4dc"
            Label {
                id: reminder
                objectName: "reminder"
                u: page.uu
                anchors { fill: parent; margins: 10 * page.uu }
                text: page.w.reminder || ""
                maximumLineCount: 3
            }
        }
    }
}
