import QtQuick

// Home: the site and today's hours, tap your badge, how full it is, the day pass, the code,
// the dashboard, the language.
Item {
    id: home
    objectName: "home"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    // The screens past home (and their dashboard) come a moment after the first frame: until
    // then the site's name, the words and the tiles, and "One moment…" where the counts go.
    readonly property var dash: k.dash ? k.dash.state : ({})

    Column {
        id: head
        anchors { left: parent.left; right: language.left; top: parent.top; margins: 20 * home.uu
                  rightMargin: 16 * home.uu }
        spacing: 6 * home.uu
        Label {
            objectName: "siteLine"
            u: home.uu
            width: parent.width
            text: [home.k.siteName, home.dash.hoursToday || ""].filter(x => x !== "").join(" · ")
            color: Theme.muted
            size: 20 * home.uu
            font.bold: true
            maximumLineCount: 1
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 14
        }
        Label {
            objectName: "tapTitle"
            u: home.uu
            width: parent.width
            text: home.k.s["home.tap"]
            size: 48 * home.uu
            font.bold: true
            maximumLineCount: 1
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 20
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Label {
            u: home.uu
            width: home.width - 40 * home.uu
            text: home.k.s["home.tap_hint"]
            color: Theme.muted
            size: 22 * home.uu
            maximumLineCount: 1
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 14
        }
        Flow {
            width: home.width - 40 * home.uu
            spacing: 24 * home.uu
            Label {
                objectName: "peopleIn"
                u: home.uu
                text: home.dash.homeCount || home.k.s["home.loading"]
                size: 24 * home.uu
                color: Theme.accent
                font.bold: true
                wrapMode: Text.NoWrap
            }
            Label {
                objectName: "machinesInUse"
                u: home.uu
                text: home.dash.homeMachines || ""
                size: 24 * home.uu
                color: Theme.muted
                wrapMode: Text.NoWrap
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
        accessibleName: home.k.s["a11y.language"]
        onClicked: home.k.toggleLanguage()
    }
    Rectangle {
        id: pass
        objectName: "dayPassButton"
        anchors { left: parent.left; bottom: parent.bottom; margins: 24 * home.uu }
        width: parent.width * 0.55
        height: parent.height * 0.4
        radius: 18 * home.uu
        color: Theme.warm
        border.color: Theme.line
        border.width: 2
        Accessible.role: Accessible.Button
        Accessible.name: home.k.s["home.day_pass"] + ". " + home.k.s["home.day_pass_hint"]
        Accessible.onPressAction: home.k.go("pass")
        Column {
            anchors.centerIn: parent
            width: parent.width - 32 * home.uu
            spacing: 6 * home.uu
            Label {
                u: home.uu
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: home.k.s["home.day_pass"]
                size: 40 * home.uu
                font.bold: true
                maximumLineCount: 1
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 20
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
