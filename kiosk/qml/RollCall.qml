import QtQuick

// Fire roll-call: everyone inside now (badge or code), ticked off one by one, printable.
// No idle return while it is open; full names after a volunteer's badge (and on paper).
Item {
    id: page
    objectName: "rollcall"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var d: k.roll.state

    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.d.title || ""
        onBack: page.k.go("home")
    }
    Row {
        id: facts
        anchors { left: parent.left; right: parent.right; top: bar.bottom; margins: 12 * page.uu }
        spacing: 24 * page.uu
        Label { objectName: "rollMade"; u: page.uu; text: page.d.made || ""; font.bold: true; maximumLineCount: 1 }
        Label { objectName: "rollCounted"; u: page.uu; text: page.d.counted || ""; color: Theme.accent
                font.bold: true; maximumLineCount: 1 }
        Label { u: page.uu; text: page.d.unlockHint || ""; color: Theme.muted; maximumLineCount: 1 }
    }
    Row {
        id: tools
        anchors { left: parent.left; top: facts.bottom; margins: 12 * page.uu }
        spacing: 10 * page.uu
        BigButton { objectName: "sortName"; u: page.uu; width: 160 * page.uu; primary: page.d.sort === "name"
                    text: (page.d.sort === "name" ? "✓ " : "") + page.k.s["dash.sort_name"]
                    Accessible.name: text; onClicked: page.k.roll.sortBy("name") }
        BigButton { objectName: "sortTime"; u: page.uu; width: 160 * page.uu; primary: page.d.sort === "time"
                    text: (page.d.sort === "time" ? "✓ " : "") + page.k.s["dash.sort_time"]
                    Accessible.name: text; onClicked: page.k.roll.sortBy("time") }
        BigButton { objectName: "rollRefresh"; u: page.uu; width: 200 * page.uu
                    text: page.k.s["roll.refresh"]; Accessible.name: text; onClicked: page.k.roll.refresh() }
        BigButton { objectName: "print"; u: page.uu; width: 160 * page.uu
                    text: page.k.s["dash.print"]; Accessible.name: text; onClicked: page.k.roll.printList() }
    }
    Label { id: printed; u: page.uu; anchors { left: parent.left; right: parent.right; top: tools.bottom; margins: 12 * page.uu }
            text: page.d.printed || ""; color: Theme.ok; visible: text !== ""; maximumLineCount: 1 }
    ListView {
        objectName: "rollList"
        anchors { left: parent.left; right: parent.right; top: printed.visible ? printed.bottom : tools.bottom
                  bottom: parent.bottom; margins: 12 * page.uu }
        clip: true
        model: page.d.rows || []
        delegate: Rectangle {
            id: row
            required property var modelData
            required property int index
            objectName: "rollRow" + index
            width: ListView.view.width
            height: Math.max(48, 56 * page.uu)
            color: modelData.ticked ? Theme.background : Theme.card
            border.color: Theme.line
            Accessible.role: Accessible.CheckBox
            Accessible.name: modelData.name
            Accessible.checkable: true
            Accessible.checked: modelData.ticked
            Rectangle {
                id: box
                anchors { left: parent.left; leftMargin: 12 * page.uu; verticalCenter: parent.verticalCenter }
                width: Math.max(36, 40 * page.uu); height: width; radius: 6 * page.uu
                color: row.modelData.ticked ? Theme.ok : Theme.card
                border.color: Theme.ink; border.width: 2
                Text { anchors.centerIn: parent; text: row.modelData.ticked ? "✓" : ""; color: Theme.accentInk
                       font.pixelSize: 28 * page.uu; font.bold: true }
            }
            Label { u: page.uu; anchors { left: box.right; leftMargin: 12 * page.uu; verticalCenter: parent.verticalCenter }
                    width: parent.width * 0.6; text: row.modelData.name; font.bold: true; maximumLineCount: 1
                    font.strikeout: row.modelData.ticked }
            Label { u: page.uu; anchors { right: parent.right; rightMargin: 12 * page.uu; verticalCenter: parent.verticalCenter }
                    width: parent.width * 0.25; horizontalAlignment: Text.AlignRight; text: row.modelData.since
                    color: Theme.muted; maximumLineCount: 1 }
            MouseArea { anchors.fill: parent; onClicked: page.k.roll.tick(row.modelData.id) }
        }
    }
}
