import QtQuick
import QtQuick.Window

// The kiosk: one frameless window; the screen shown follows kiosk.screen.
Window {
    id: root
    required property var kiosk
    property int rotation: 0
    readonly property bool turned: rotation === 90 || rotation === 270
    readonly property real u: Math.min(stage.width / 800, stage.height / 480)
    width: 800; height: 480
    visible: true
    color: Theme.background
    flags: Qt.FramelessWindowHint
    title: "Seuil"

    Item {
        id: stage
        anchors.centerIn: parent
        width: root.turned ? root.height : root.width
        height: root.turned ? root.width : root.height
        rotation: root.rotation

        // Home and the welcome are made once and kept: a tap shows the welcome without making
        // a screen on its way to the glass. The welcome is made once the screens are attached
        // (kiosk.ready: the first frame of a cold start is home's alone); the others when opened.
        Item {
            id: screen
            objectName: "screen"
            anchors.fill: parent
            transform: Translate { y: -keyboard.lift }  // the keyboard lifts, never shrinks, the screen
            Loader {
                anchors.fill: parent
                visible: root.kiosk.screen === "home"
                source: "Home.qml"
            }
            Loader {
                anchors.fill: parent
                active: root.kiosk.ready
                visible: root.kiosk.screen === "welcome"
                source: "Welcome.qml"
            }
            Loader {
                anchors.fill: parent
                source: {
                    switch (root.kiosk.screen) {
                    case "pass": return "DayPass.qml";
                    case "topup": return "DayPass.qml";  // the same three screens, for one's credit
                    case "code": return "DoorCode.qml";
                    case "dashboard": return "Dashboard.qml";
                    case "rollcall": return "RollCall.qml";
                    default: return "";
                    }
                }
            }
        }

        // Every touch restarts the idle countdown; the touch still reaches what is under it.
        MouseArea {
            anchors.fill: parent
            z: 100
            propagateComposedEvents: true
            onPressed: (mouse) => { root.kiosk.touched(); mouse.accepted = false }
        }

        // A tap at the door over someone's flow; the idle question. Above the screens, under
        // the keyboard.
        Banner { kiosk: root.kiosk; u: root.u; z: 97 }
        IdleWarning { kiosk: root.kiosk; u: root.u; z: 98 }

        Keyboard {
            id: keyboard
            z: 99
            language: root.kiosk.language
            focusItem: root.activeFocusItem
            content: screen
        }
    }
}
