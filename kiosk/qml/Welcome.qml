import QtQuick

// After a tap: hello, in or out, membership, balance, trainings; or why not, and a way out
// (a day pass, the team's contact, OK) on buttons the size of the home tiles.
Item {
    id: page
    objectName: "welcome"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var w: k.welcome.state
    readonly property bool refused: page.w.allowed === false
    property bool showContact: false
    onVisibleChanged: if (!visible) showContact = false  // kept between taps: the next person's is closed

    Rectangle {
        anchors.fill: parent
        color: page.refused ? "#fbeeee" : Theme.background
    }
    TopBar {
        id: bar
        visible: !page.refused
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.w.title || ""
        onBack: page.k.go_home()
    }
    // A refusal: a red band with a symbol, never colour alone.
    Rectangle {
        id: band
        objectName: "refusalBand"
        visible: page.refused
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: Math.max(64, 84 * page.uu)
        color: Theme.bad
        Rectangle {
            id: symbol
            anchors { left: parent.left; leftMargin: 20 * page.uu; verticalCenter: parent.verticalCenter }
            width: Math.max(44, 56 * page.uu); height: width; radius: width / 2
            color: Theme.accentInk
            Label { u: page.uu; anchors.centerIn: parent; text: "✕"; color: Theme.bad
                    font.pixelSize: 34 * page.uu; font.bold: true }
        }
        BigButton {
            id: bandLanguage
            objectName: "languageButton"
            u: page.uu
            anchors { right: parent.right; rightMargin: 12 * page.uu; verticalCenter: parent.verticalCenter }
            width: 150 * page.uu
            text: page.k.s["language.other"]
            onClicked: page.k.toggleLanguage()
        }
        Column {
            anchors { left: symbol.right; right: bandLanguage.left; verticalCenter: parent.verticalCenter
                      leftMargin: 16 * page.uu; rightMargin: 12 * page.uu }
            Label { objectName: "refusalTitle"; u: page.uu; width: parent.width; text: page.w.headline || ""
                    color: Theme.accentInk; font.pixelSize: 32 * page.uu; font.bold: true; maximumLineCount: 1 }
            Label { u: page.uu; width: parent.width; text: page.w.title || ""; color: Theme.accentInk
                    font.pixelSize: 20 * page.uu; maximumLineCount: 1 }
        }
    }
    Column {
        anchors { left: parent.left; right: parent.right; top: page.refused ? band.bottom : bar.bottom
                  bottom: page.refused ? ways.top : parent.bottom; margins: 24 * page.uu }
        spacing: 10 * page.uu
        Label {
            objectName: "headline"
            visible: !page.refused
            u: page.uu
            width: parent.width
            text: page.w.headline || ""
            font.pixelSize: 34 * page.uu
            font.bold: true
            color: Theme.accent
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
                font.bold: page.refused && index > 0  // "opens tomorrow at 08:00"
                required property int index
                maximumLineCount: 3
            }
        }
        Rectangle {
            objectName: "contactBox"
            visible: page.refused && page.showContact && (page.w.contact || "") !== ""
            width: parent.width
            height: contact.implicitHeight + 20 * page.uu
            radius: 10 * page.uu
            color: Theme.card
            border.color: Theme.line
            Label {
                id: contact
                u: page.uu
                anchors { fill: parent; margins: 10 * page.uu }
                text: page.w.contact || ""
                font.pixelSize: 24 * page.uu
                font.bold: true
                maximumLineCount: 2
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
    // The way out: as large as the home screen's tiles.
    Row {
        id: ways
        objectName: "waysOut"
        visible: page.refused
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 20 * page.uu }
        height: parent.height * 0.3
        spacing: 14 * page.uu
        Repeater {
            model: page.refused ? (page.w.ways || []) : []
            Rectangle {
                id: way
                required property var modelData
                readonly property int count: (page.w.ways || []).length
                objectName: "way_" + modelData.action
                width: (ways.width - (count - 1) * ways.spacing) / count
                height: ways.height
                radius: 18 * page.uu
                color: modelData.action === "pass" || modelData.action === "topup" ? Theme.warm
                       : modelData.action === "ok" ? Theme.accent : Theme.card
                border.color: Theme.line
                border.width: 2
                opacity: wayArea.pressed ? 0.7 : 1
                Accessible.role: Accessible.Button
                Accessible.name: modelData.label + (modelData.hint ? ". " + modelData.hint : "")
                Accessible.onPressAction: take()
                function take() {
                    if (modelData.action === "contact" || modelData.action === "topup")
                        page.showContact = true
                    page.k.wayOut(modelData.action)
                }
                Column {
                    anchors.centerIn: parent
                    width: parent.width - 24 * page.uu
                    spacing: 4 * page.uu
                    Label {
                        u: page.uu
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        text: modelData.label
                        color: modelData.action === "ok" ? Theme.accentInk : Theme.ink
                        font.pixelSize: 26 * page.uu
                        font.bold: true
                        maximumLineCount: 2
                        fontSizeMode: Text.Fit
                        minimumPixelSize: 14
                    }
                    Label {
                        u: page.uu
                        width: parent.width
                        visible: text !== ""
                        horizontalAlignment: Text.AlignHCenter
                        text: modelData.hint || ""
                        font.pixelSize: 18 * page.uu
                        maximumLineCount: 2
                    }
                }
                MouseArea {
                    id: wayArea
                    anchors.fill: parent
                    onClicked: way.take()
                }
            }
        }
    }
}
