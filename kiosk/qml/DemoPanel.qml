import QtQuick
import QtQuick.Window

// seuil demo: the hardware a Pi would have, simulated. Tap a badge on a reader; watch the relay.
Window {
    id: panel
    required property var demo
    width: 560; height: 580
    visible: true
    color: Theme.background
    title: "Seuil demo: simulated readers and relays"

    Column {
        anchors { fill: parent; margins: 16 }
        spacing: 14
        Label { text: "Readers and relays (simulated)"; font.pixelSize: 22; font.bold: true; width: parent.width }
        BigButton {
            objectName: "payQr"
            width: 300; height: 44
            text: "Pay the kiosk's QR code (a phone)"
            onClicked: panel.demo.payQr()
        }
        Repeater {
            model: panel.demo.nodes
            Rectangle {
                id: reader
                required property var modelData
                width: parent.width
                height: body.height + 20
                radius: 8
                color: "white"
                border.color: Theme.line
                Column {
                    id: body
                    x: 10; y: 10
                    width: parent.width - 20
                    spacing: 8
                    Row {
                        spacing: 14
                        Label { text: reader.modelData.description; font.bold: true
                                font.pixelSize: 17; width: 230; maximumLineCount: 1 }
                        Repeater {
                            model: [["relay", reader.modelData.relay], ["LED", reader.modelData.led],
                                    ["buzzer", reader.modelData.buzzer]]
                            Row {
                                required property var modelData
                                spacing: 4
                                Rectangle { width: 16; height: 16; radius: 8; anchors.verticalCenter: parent.verticalCenter
                                            color: modelData[1] ? Theme.ok : "#c9c4bb" }
                                Label { text: modelData[0]; font.pixelSize: 14 }
                            }
                        }
                    }
                    Flow {
                        width: parent.width
                        spacing: 6
                        Repeater {
                            model: panel.demo.badges
                            BigButton {
                                required property var modelData
                                width: 120; height: 40
                                text: "Tap " + modelData.who
                                onClicked: panel.demo.tap(reader.modelData.id, modelData.uid)
                            }
                        }
                    }
                }
            }
        }
    }
}
