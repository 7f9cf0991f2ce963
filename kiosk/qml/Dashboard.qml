import QtQuick

// For volunteers, at a glance: how full ("17 / 20", big), who is in, each machine and its time
// left, today's hours against capacity and a typical day, and which readers are offline.
Item {
    id: page
    objectName: "dashboard"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var d: k.dash.state
    readonly property real gap: 12 * uu

    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.k.s["dash.title"]
        onBack: page.k.go_home()
    }
    Rectangle {  // offline readers: a red band with a symbol, or a green one, never by colour alone
        id: band
        objectName: "readersBand"
        anchors { left: parent.left; right: parent.right; top: bar.bottom }
        height: bandText.implicitHeight + 10 * page.uu
        color: page.d.offline ? Theme.bad : Theme.ok
        Label {
            id: bandText
            objectName: "offline"
            u: page.uu
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                      leftMargin: page.gap; rightMargin: page.gap }
            color: page.d.offline ? Theme.badInk : Theme.okInk
            font.bold: true
            size: 18 * page.uu
            maximumLineCount: 2
            text: (page.d.offline ? "⚠ " + page.d.offline : "✓ " + (page.d.nodesOk || ""))
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }

    // --- left: how full and the roll-call; below, who is in -----------------------------------
    Item {
        id: left
        anchors { left: parent.left; top: band.bottom; bottom: parent.bottom; margins: page.gap }
        width: (parent.width - 3 * page.gap) * 0.31
        Column {
            id: fullness
            width: parent.width
            spacing: 4 * page.uu
            Label {
                id: count
                objectName: "count"
                u: page.uu
                width: parent.width
                text: page.d.countBig || ""
                size: 60 * page.uu
                font.bold: true
                color: page.d.full ? Theme.bad : Theme.accent
                maximumLineCount: 1
                wrapMode: Text.NoWrap
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 28
                Accessible.role: Accessible.StaticText
                Accessible.name: (page.d.countBig || "") + " " + (page.d.countCaption || "")
            }
            Label {
                id: caption
                objectName: "countCaption"
                u: page.uu
                width: parent.width
                text: page.d.countCaption || ""
                size: 17 * page.uu
                color: Theme.muted
                maximumLineCount: 3
            }
            Rectangle {  // the gauge
                id: gauge
                width: parent.width; height: 12 * page.uu; radius: height / 2
                color: Theme.track
                border.color: Theme.line; border.width: 1
                Rectangle { width: parent.width * (page.d.ratio || 0); height: parent.height; radius: parent.radius
                            color: page.d.full ? Theme.bad : Theme.accent }
            }
            Item { width: 1; height: 4 * page.uu }
            BigButton {
                id: rollButton
                objectName: "rollCallButton"
                u: page.uu
                width: parent.width
                text: page.k.s["dash.roll_call"]
                onClicked: page.k.go("rollcall")
            }
        }
        Label {
            id: whoTitle
            anchors { top: fullness.bottom; topMargin: page.gap }
            u: page.uu
            width: parent.width
            text: page.k.s["dash.who"]
            color: Theme.muted
            size: 17 * page.uu
            font.bold: true
            maximumLineCount: 1
        }
        Flickable {  // 30 names scroll; none is cut
            id: names
            objectName: "names"
            anchors { top: whoTitle.bottom; bottom: parent.bottom; topMargin: 4 * page.uu }
            width: parent.width
            clip: true
            contentHeight: nameList.height
            flickableDirection: Flickable.VerticalFlick
            boundsBehavior: Flickable.StopAtBounds
            Accessible.role: Accessible.List
            Accessible.name: page.k.s["dash.who"]
            Column {
                id: nameList
                width: names.width
                spacing: 2 * page.uu
                Repeater {
                    model: page.d.names || []
                    Label {
                        required property string modelData
                        u: page.uu
                        width: nameList.width
                        text: modelData
                        size: 17 * page.uu
                        maximumLineCount: 2
                    }
                }
                Label {
                    u: page.uu
                    width: nameList.width
                    visible: text !== ""
                    text: page.d.others || ""
                    size: 17 * page.uu
                    color: Theme.muted
                    maximumLineCount: 1
                }
            }
        }
    }

    // --- right: machines in three columns, then today's chart ------------------------------------
    Item {
        id: right
        anchors { left: left.right; right: parent.right; top: band.bottom; bottom: parent.bottom
                  margins: page.gap }
        Flickable {  // three columns; more than fits scrolls
            id: machines
            objectName: "machines"
            width: parent.width
            height: Math.min(machineGrid.height, parent.height * 0.68)
            clip: true
            contentHeight: machineGrid.height
            flickableDirection: Flickable.VerticalFlick
            boundsBehavior: Flickable.StopAtBounds
            Accessible.role: Accessible.List
            Accessible.name: page.k.s["dash.machines"]
            Grid {
                id: machineGrid
                width: machines.width
                columns: 3
                columnSpacing: page.gap
                rowSpacing: 6 * page.uu
                // the cells of a row as tall as the row's tallest, so borders line up
                property var rowHeights: []
                function fit() {
                    const rows = []
                    for (let i = 0; i < children.length; ++i) {
                        const cell = children[i]
                        if (cell.textHeight === undefined)
                            continue
                        const row = Math.floor(cell.index / columns)
                        rows[row] = Math.max(rows[row] || 0, cell.textHeight + 10 * page.uu)
                    }
                    rowHeights = rows
                }
                Repeater {
                    model: page.d.machines || []
                    Rectangle {
                        id: cell
                        required property var modelData
                        required property int index
                        width: Math.floor((machineGrid.width - 2 * page.gap) / 3) - 1  // borders inside the clip
                        height: machineGrid.rowHeights[Math.floor(index / machineGrid.columns)]
                                || cellText.implicitHeight + 10 * page.uu
                        radius: 8 * page.uu
                        color: Theme.card
                        border.color: modelData.level === "bad" ? Theme.bad
                                      : modelData.level === "busy" ? Theme.busy : Theme.line
                        border.width: modelData.level === "ok" ? 1 : 2
                        readonly property real textHeight: cellText.implicitHeight
                        onTextHeightChanged: machineGrid.fit()
                        Component.onCompleted: machineGrid.fit()
                        Accessible.role: Accessible.ListItem
                        Accessible.name: modelData.spoken
                        Column {
                            id: cellText
                            anchors { left: parent.left; right: parent.right; top: parent.top
                                      margins: 5 * page.uu; leftMargin: 8 * page.uu; rightMargin: 8 * page.uu }
                            Label { u: page.uu; width: parent.width; text: cell.modelData.name; font.bold: true
                                    size: 16 * page.uu; maximumLineCount: 4 }
                            Label { u: page.uu; width: parent.width; size: 16 * page.uu; maximumLineCount: 2
                                    font.bold: true
                                    color: cell.modelData.level === "bad" ? Theme.bad
                                           : cell.modelData.level === "busy" ? Theme.busy : Theme.ok
                                    text: (cell.modelData.level === "bad" ? "✕ " : cell.modelData.level === "busy"
                                           ? "● " : "○ ") + cell.modelData.title }
                            Label { u: page.uu; width: parent.width; size: 16 * page.uu; maximumLineCount: 4
                                    visible: text !== ""; text: cell.modelData.detail }
                        }
                    }
                }
            }
        }
        Item {
            id: chart
            objectName: "chart"
            anchors { left: parent.left; right: parent.right; top: machines.bottom; bottom: parent.bottom
                      topMargin: page.gap }
            Accessible.role: Accessible.Chart
            Accessible.name: page.k.s["dash.today"]
            Flow {
                id: legend
                width: parent.width
                spacing: 10 * page.uu
                Rectangle { width: 14 * page.uu; height: width; color: Theme.accent; y: 4 * page.uu }
                Label { u: page.uu; text: page.k.s["dash.today"]; size: 16 * page.uu; maximumLineCount: 1
                        wrapMode: Text.NoWrap; color: Theme.muted }
                Rectangle { width: 16 * page.uu; height: 4 * page.uu; color: Theme.typical; y: 9 * page.uu }
                Label { u: page.uu; text: page.k.s["dash.typical"]; size: 16 * page.uu; maximumLineCount: 1
                        wrapMode: Text.NoWrap; color: Theme.muted }
            }
            Item {
                id: plot
                objectName: "plot"
                anchors { left: parent.left; right: parent.right; top: legend.bottom; bottom: hours.top
                          topMargin: nowLabel.implicitHeight + 6 }
                readonly property int n: (page.d.bars || []).length
                readonly property real slot: n ? width / n : width
                Repeater {
                    model: page.d.bars || []
                    Item {
                        required property var modelData
                        required property int index
                        x: index * plot.slot
                        width: plot.slot; height: plot.height
                        Rectangle {
                            anchors { bottom: parent.bottom; horizontalCenter: parent.horizontalCenter }
                            width: parent.width * 0.7; height: parent.height * modelData.today
                            color: Theme.accent; radius: 2
                        }
                        Rectangle {  // the typical day: a marker at its height
                            anchors.horizontalCenter: parent.horizontalCenter
                            width: parent.width * 0.9; height: Math.max(3, 4 * page.uu); color: Theme.typical
                            y: parent.height * (1 - modelData.typical) - height / 2
                        }
                    }
                }
                Rectangle {  // the baseline
                    anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
                    height: 1; color: Theme.line
                }
                Repeater {  // the capacity line: dashes across
                    model: Math.floor(plot.width / (12 * page.uu))
                    Rectangle {
                        required property int index
                        x: index * 12 * page.uu; width: 7 * page.uu; height: 2
                        y: plot.height * (1 - (page.d.capacityLevel || 1)) - 1
                        color: Theme.keyline
                    }
                }
                Label {
                    objectName: "capacityLabel"
                    u: page.uu
                    // on the side away from "now", so the two never meet
                    x: (page.d.nowAt || 0) > 0.5 ? 0 : plot.width - width
                    y: plot.height * (1 - (page.d.capacityLevel || 1)) - height - 2
                    text: page.d.capacityLabel || ""
                    size: 16 * page.uu
                    color: Theme.ink
                    wrapMode: Text.NoWrap
                    maximumLineCount: 1
                }
                Rectangle {  // now
                    id: nowLine
                    visible: (page.d.nowAt === undefined ? -1 : page.d.nowAt) >= 0
                    x: plot.width * (page.d.nowAt || 0) - 1
                    y: -3
                    width: 2; height: plot.height + 3
                    color: Theme.keyline
                }
                Label {
                    id: nowLabel
                    objectName: "nowLabel"
                    visible: nowLine.visible
                    u: page.uu
                    y: -height - 3
                    x: Math.max(0, Math.min(plot.width - width, nowLine.x - width / 2))
                    text: "▼ " + page.k.s["dash.now"]
                    size: 16 * page.uu
                    font.bold: true
                    wrapMode: Text.NoWrap
                    maximumLineCount: 1
                }
            }
            Item {
                id: hours
                anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
                height: hourProbe.implicitHeight
                Label { id: hourProbe; visible: false; u: page.uu; text: "22"; size: Math.max(16, 16 * page.uu) }
                // every hour when each label has room, else every other one
                readonly property int every: hourProbe.implicitWidth + 4 * page.uu <= plot.slot ? 1 : 2
                Repeater {
                    model: page.d.bars || []
                    Label {
                        required property var modelData
                        required property int index
                        visible: index % hours.every === 0
                        u: page.uu
                        x: index * plot.slot + (plot.slot - width) / 2
                        text: modelData.hour
                        size: Math.max(16, 16 * page.uu)
                        color: Theme.muted
                        wrapMode: Text.NoWrap
                        maximumLineCount: 1
                    }
                }
            }
        }
    }
}
