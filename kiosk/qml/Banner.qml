import QtQuick

// A member tapped at the door while someone else uses the screen: a short band over the top,
// never a new screen (the flow under it goes on).
Rectangle {
    id: band
    required property var kiosk
    property real u: 1
    readonly property var b: kiosk.banner
    objectName: "banner"
    visible: (b.text || "") !== ""
    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 6 * u }
    height: Math.max(48, text.implicitHeight + 16 * u)
    radius: 10 * u
    color: b.allowed ? Theme.accent : Theme.bad
    // read out as what it says; a press puts it away, like a touch
    Accessible.role: Accessible.Button
    Accessible.name: b.text || ""
    Accessible.onPressAction: band.kiosk.dismissBanner()
    // it lies over the top bar: a touch on it puts it away, never presses what is under it
    MouseArea { anchors.fill: parent; onClicked: band.kiosk.dismissBanner() }
    Label {
        id: symbol
        u: band.u
        anchors { left: parent.left; leftMargin: 14 * band.u; verticalCenter: parent.verticalCenter }
        text: band.b.allowed ? "✓" : "✕"
        color: Theme.accentInk
        font.pixelSize: 28 * band.u
        font.bold: true
    }
    Label {
        id: text
        objectName: "bannerText"
        u: band.u
        anchors { left: symbol.right; right: parent.right; verticalCenter: parent.verticalCenter
                  leftMargin: 12 * band.u; rightMargin: 14 * band.u }
        text: band.b.text || ""
        color: Theme.accentInk
        font.pixelSize: 20 * band.u
        font.bold: true
        maximumLineCount: 2
    }
}
