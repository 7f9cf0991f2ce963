import QtQuick

// Home: tap your badge, how full it is, the day pass, the code, the language.
Item {
    id: home
    objectName: "home"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var dash: k.dash.state

    Column {
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 * uu }
        spacing: 10 * uu
        Label {
            u: home.uu
            width: parent.width - language.width - 16 * home.uu
            text: home.k.s["home.tap"]
            font.pixelSize: 48 * home.uu
            font.bold: true
            maximumLineCount: 1
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 20
        }
        Label {
            u: home.uu
            width: parent.width
            text: home.k.s["home.tap_hint"]
            color: Theme.muted
            font.pixelSize: 24 * home.uu
            maximumLineCount: 1
        }
        Row {
            spacing: 24 * home.uu
            Label {
                objectName: "peopleIn"
                u: home.uu
                text: home.dash.homeCount || ""
                font.pixelSize: 24 * home.uu
                color: Theme.accent
                font.bold: true
            }
            Label {
                u: home.uu
                text: home.dash.homeMachines || ""
                font.pixelSize: 24 * home.uu
                color: Theme.muted
            }
        }
    }
    BigButton {
        id: language
        objectName: "languageButton"
        u: home.uu
        anchors { right: parent.right; top: parent.top; margins: 16 * home.uu }
        width: 150 * home.uu
        text: home.k.s["language.other"]
        onClicked: home.k.toggleLanguage()
    }
    Rectangle {
        id: pass
        objectName: "dayPassButton"
        anchors { left: parent.left; bottom: parent.bottom; margins: 24 * home.uu }
        width: parent.width * 0.55
        height: parent.height * 0.42
        radius: 18 * home.uu
        color: Theme.warm
        Column {
            anchors.centerIn: parent
            width: parent.width - 32 * home.uu
            spacing: 6 * home.uu
            Label {
                u: home.uu
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: home.k.s["home.day_pass"]
                font.pixelSize: 40 * home.uu
                font.bold: true
                maximumLineCount: 1
            }
            Label {
                u: home.uu
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: home.k.s["home.day_pass_hint"]
                maximumLineCount: 2
            }
        }
        MouseArea { anchors.fill: parent; onClicked: home.k.go("pass") }
    }
    Column {
        anchors { right: parent.right; bottom: parent.bottom; margins: 24 * home.uu; left: pass.right }
        spacing: 12 * home.uu
        BigButton {
            objectName: "codeButton"
            u: home.uu
            width: parent.width
            text: home.k.s["home.code"]
            onClicked: home.k.go("code")
        }
        BigButton {
            objectName: "dashboardButton"
            u: home.uu
            width: parent.width
            text: home.k.s["home.dashboard"]
            onClicked: home.k.go("dashboard")
        }
        BigButton {
            objectName: "rollCallButton"
            u: home.uu
            width: parent.width
            text: home.k.s["home.roll_call"]
            Accessible.name: home.k.s["home.roll_call"]
            onClicked: home.k.go("rollcall")
        }
    }
}
