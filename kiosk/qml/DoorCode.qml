import QtQuick

// "I have a code": six digits, then the door opens.
Item {
    id: page
    objectName: "code"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var c: k.doorCode.state

    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.k.s["code.title"]
        onBack: page.k.go_home()
    }
    Row {
        anchors { top: bar.bottom; bottom: parent.bottom; horizontalCenter: parent.horizontalCenter
                  margins: 16 * page.uu }
        spacing: 24 * page.uu
        Column {
            spacing: 12 * page.uu
            width: 300 * page.uu
            Rectangle {
                width: parent.width; height: Math.max(48, 72 * page.uu)
                radius: 10 * page.uu; color: Theme.card; border.color: Theme.line
                Label {
                    objectName: "digits"
                    u: page.uu
                    anchors.centerIn: parent
                    // two groups of three, as the code is shown after a day pass ("482 913")
                    text: {
                        const dots = (pad.value + "      ").slice(0, 6).split("")
                            .map(d => d === " " ? "–" : "●")
                        return dots.slice(0, 3).join(" ") + "   " + dots.slice(3).join(" ")
                    }
                    font.pixelSize: 32 * page.uu
                }
            }
            Label {
                u: page.uu
                width: parent.width
                text: page.k.s["code.auto"]
                color: Theme.muted
                maximumLineCount: 2
            }
            Label {
                objectName: "codeMessage"
                u: page.uu
                width: parent.width
                text: page.c.message || ""
                color: page.c.opened ? Theme.ok : Theme.bad
                font.bold: true
                maximumLineCount: 3
            }
        }
        Keypad {
            id: pad
            objectName: "keypad"
            u: page.uu
            // the sixth digit sends the code: no "Open" to find
            onValueChanged: if (value.length === 6) { page.k.doorCode.submit(value); value = "" }
        }
    }
}
