import QtQuick

// For volunteers: who is in, machines, today's chart against a typical day, offline readers.
Item {
    id: page
    objectName: "dashboard"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var d: k.dash.state

    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.k.s["dash.title"]
        onBack: page.k.go_home()
    }
    Rectangle {
        id: offline
        anchors { left: parent.left; right: parent.right; top: bar.bottom }
        height: Math.max(32, 36 * page.uu)
        color: page.d.offline ? Theme.bad : Theme.ok
        Label { objectName: "offline"; u: page.uu; anchors.fill: parent; anchors.leftMargin: 16 * page.uu
                color: "white"; font.bold: true; maximumLineCount: 1
                text: page.d.offline || page.d.nodesOk || "" }
    }
    Column {
        id: leftPane
        anchors { left: parent.left; top: offline.bottom; bottom: parent.bottom; margins: 14 * page.uu }
        width: parent.width * 0.42
        spacing: 8 * page.uu
        Label { objectName: "count"; u: page.uu; width: parent.width; text: page.d.count || ""
                font.pixelSize: 24 * page.uu; font.bold: true; maximumLineCount: 1 }
        Rectangle {
            width: parent.width; height: 12 * page.uu; radius: height / 2; color: Theme.line
            Rectangle { width: parent.width * (page.d.ratio || 0); height: parent.height; radius: parent.radius
                        color: (page.d.ratio || 0) >= 1 ? Theme.bad : Theme.accent }
        }
        Label { u: page.uu; width: parent.width; text: page.k.s["dash.who"]; color: Theme.muted
                maximumLineCount: 1 }
        Label { objectName: "names"; u: page.uu; width: parent.width
                text: (page.d.names || []).join(", ") + ((page.d.names || []).length && page.d.others ? " " : "")
                      + (page.d.others || "")
                maximumLineCount: 3 }
        Label { u: page.uu; width: parent.width; text: page.k.s["dash.machines"]; color: Theme.muted
                maximumLineCount: 1 }
        Repeater {
            model: page.d.machines || []
            Row {
                required property var modelData
                spacing: 8 * page.uu
                Rectangle { width: 14 * page.uu; height: width; radius: width / 2; anchors.verticalCenter: parent.verticalCenter
                            color: modelData.level === "bad" ? Theme.bad : modelData.level === "busy" ? Theme.busy : Theme.ok }
                Label { u: page.uu; width: leftPane.width - 24 * page.uu; maximumLineCount: 2
                        font.pixelSize: 18 * page.uu
                        text: "<b>" + modelData.name + "</b> — " + modelData.status; textFormat: Text.StyledText }
            }
        }
    }
    Item {
        id: chart
        objectName: "chart"
        anchors { left: leftPane.right; right: parent.right; top: offline.bottom; bottom: rollButton.top
                  margins: 14 * page.uu }
        Label { id: chartTitle; u: page.uu; width: parent.width; text: page.k.s["dash.today"]
                color: Theme.muted; maximumLineCount: 1 }
        Row {
            id: legend
            anchors.top: chartTitle.bottom
            spacing: 12 * page.uu
            Rectangle { width: 14 * page.uu; height: width; color: Theme.accent; anchors.verticalCenter: parent.verticalCenter }
            Label { u: page.uu; text: page.k.s["dash.today_legend"]; font.pixelSize: 16 * page.uu; maximumLineCount: 1 }
            Rectangle { width: 14 * page.uu; height: 4 * page.uu; color: Theme.warm; anchors.verticalCenter: parent.verticalCenter }
            Label { u: page.uu; text: page.k.s["dash.typical"]; font.pixelSize: 16 * page.uu; maximumLineCount: 1 }
        }
        Row {
            id: bars
            anchors { left: parent.left; right: parent.right; top: legend.bottom; bottom: parent.bottom
                      topMargin: 6 * page.uu }
            spacing: 3 * page.uu
            Repeater {
                model: page.d.bars || []
                Item {
                    required property var modelData
                    width: (bars.width - bars.spacing * 15) / 16
                    height: bars.height
                    Rectangle {
                        anchors.bottom: hour.top
                        width: parent.width; height: (parent.height - hour.height) * modelData.today
                        color: Theme.accent; radius: 3
                    }
                    Rectangle {  // the typical day: a marker at its height
                        width: parent.width; height: Math.max(3, 4 * page.uu); color: Theme.warm
                        y: (parent.height - hour.height) * (1 - modelData.typical) - height / 2
                    }
                    Label { id: hour; u: page.uu; anchors.bottom: parent.bottom; width: parent.width
                            horizontalAlignment: Text.AlignHCenter; text: modelData.hour
                            font.pixelSize: 13 * page.uu; maximumLineCount: 1; wrapMode: Text.NoWrap
                            elide: Text.ElideNone; color: Theme.muted }
                }
            }
        }
    }
    BigButton {
        id: rollButton
        objectName: "rollCallButton"
        u: page.uu
        anchors { right: parent.right; bottom: parent.bottom; margins: 14 * page.uu }
        width: parent.width * 0.3
        text: page.k.s["dash.roll_call"]
        onClicked: page.k.go("rollcall")
    }
}
