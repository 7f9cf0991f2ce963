import QtQuick

// Fire roll-call: everyone checked in now, sortable, printable.
Item {
    id: page
    objectName: "rollcall"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var d: k.dash.state

    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.d.rollTitle || ""
        onBack: page.k.go("dashboard")
    }
    Row {
        id: tools
        anchors { left: parent.left; top: bar.bottom; margins: 12 * page.uu }
        spacing: 10 * page.uu
        BigButton { objectName: "sortName"; u: page.uu; width: 180 * page.uu; primary: page.d.sort === "name"
                    text: page.k.s["dash.sort_name"]; onClicked: page.k.dash.sortBy("name") }
        BigButton { objectName: "sortTime"; u: page.uu; width: 180 * page.uu; primary: page.d.sort === "time"
                    text: page.k.s["dash.sort_time"]; onClicked: page.k.dash.sortBy("time") }
        BigButton { objectName: "print"; u: page.uu; width: 180 * page.uu
                    text: page.k.s["dash.print"]; onClicked: page.k.dash.printRollCall() }
    }
    Label { id: printed; u: page.uu; anchors { left: parent.left; right: parent.right; top: tools.bottom; margins: 12 * page.uu }
            text: page.d.printed || ""; color: Theme.ok; visible: text !== ""; maximumLineCount: 1 }
    ListView {
        objectName: "rollList"
        anchors { left: parent.left; right: parent.right; top: printed.visible ? printed.bottom : tools.bottom
                  bottom: parent.bottom; margins: 12 * page.uu }
        clip: true
        model: page.d.roll || []
        delegate: Rectangle {
            required property var modelData
            required property int index
            width: ListView.view.width
            height: Math.max(48, 52 * page.uu)
            color: index % 2 ? Theme.background : Theme.card
            Label { u: page.uu; anchors { left: parent.left; leftMargin: 12 * page.uu; verticalCenter: parent.verticalCenter }
                    width: parent.width * 0.6; text: modelData.name; font.bold: true; maximumLineCount: 1 }
            Label { u: page.uu; anchors { right: parent.right; rightMargin: 12 * page.uu; verticalCenter: parent.verticalCenter }
                    width: parent.width * 0.35; horizontalAlignment: Text.AlignRight; text: modelData.since
                    color: Theme.muted; maximumLineCount: 1 }
        }
    }
}
