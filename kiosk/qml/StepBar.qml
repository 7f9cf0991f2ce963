import QtQuick

// Where the visitor is in the day pass (1 Amount, 2 Payment, 3 Come in) and the amount chosen.
Item {
    id: steps
    property real u: 1
    property var labels: []
    property int current: 0
    property string amount: ""
    height: Math.max(40, 44 * u)
    Row {
        anchors { left: parent.left; verticalCenter: parent.verticalCenter }
        spacing: 10 * steps.u
        Repeater {
            model: steps.labels
            Row {
                id: one
                required property int index
                required property string modelData
                readonly property bool here: index === steps.current
                readonly property bool past: index < steps.current
                spacing: 6 * steps.u
                Rectangle {
                    width: Math.max(28, 32 * steps.u); height: width; radius: width / 2
                    color: one.here ? Theme.accent : one.past ? Theme.ok : Theme.card
                    border.color: one.here || one.past ? color : Theme.muted
                    border.width: 2
                    anchors.verticalCenter: parent.verticalCenter
                    Label {
                        u: steps.u
                        anchors.centerIn: parent
                        text: one.past ? "✓" : (one.index + 1)
                        color: one.here || one.past ? Theme.accentInk : Theme.muted
                        font.pixelSize: 18 * steps.u
                        font.bold: true
                    }
                }
                Label {
                    objectName: one.here ? "currentStep" : ""
                    u: steps.u
                    anchors.verticalCenter: parent.verticalCenter
                    text: one.modelData
                    color: one.here ? Theme.ink : Theme.muted
                    font.bold: one.here
                    font.underline: one.here
                    maximumLineCount: 1
                }
                Label {
                    u: steps.u
                    visible: one.index < steps.labels.length - 1
                    anchors.verticalCenter: parent.verticalCenter
                    text: "›"
                    color: Theme.muted
                }
            }
        }
    }
    Label {
        objectName: "chosenAmount"
        u: steps.u
        anchors { right: parent.right; verticalCenter: parent.verticalCenter }
        text: steps.amount
        font.pixelSize: 22 * steps.u
        font.bold: true
        maximumLineCount: 1
    }
}
