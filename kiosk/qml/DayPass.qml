import QtQuick
import QtQuick.Controls.Basic as Controls

// The day pass, step by step: name, amount, payment, door credential, receipt.
Item {
    id: page
    objectName: "pass"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    readonly property var p: k.dayPass.state
    readonly property string step: p.step || "name"

    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.k.s["pass.title"]
        onBack: page.k.dayPass.back()
    }
    Item {
        id: body
        anchors { left: parent.left; right: parent.right; top: bar.bottom; bottom: parent.bottom
                  margins: 20 * page.uu }

        // 1. first name
        Column {
            visible: page.step === "name"
            width: parent.width
            spacing: 14 * page.uu
            Label { u: page.uu; width: parent.width; text: page.k.s["pass.step_name"]
                    font.pixelSize: 28 * page.uu; font.bold: true; maximumLineCount: 1 }
            Row {
                spacing: 12 * page.uu
                Controls.TextField {
                    id: nameField
                    objectName: "nameField"
                    width: body.width * 0.6
                    height: Math.max(48, 64 * page.uu)
                    font.pixelSize: 26 * page.uu
                    placeholderText: page.k.s["pass.name_placeholder"]
                    Accessible.role: Accessible.EditableText
                    Accessible.name: page.k.s["pass.step_name"]
                    inputMethodHints: Qt.ImhNoPredictiveText
                    onAccepted: page.k.dayPass.setName(text)
                }
                BigButton {
                    objectName: "nameNext"
                    u: page.uu
                    width: body.width * 0.3
                    primary: true
                    text: page.k.s["common.next"]
                    onClicked: page.k.dayPass.setName(nameField.text)
                }
            }
        }

        // 2. pay what you can
        Item {
            visible: page.step === "amount"
            anchors.fill: parent
            Column {
                id: amountColumn
                width: parent.width * 0.58
                spacing: 10 * page.uu
                Label { u: page.uu; width: parent.width; text: page.k.s["pass.step_amount"]
                        font.pixelSize: 28 * page.uu; font.bold: true; maximumLineCount: 1 }
                Label { u: page.uu; width: parent.width; text: page.p.suggested || ""; maximumLineCount: 1 }
                Label { u: page.uu; width: parent.width; text: page.p.floor || ""; visible: text !== ""
                        color: Theme.muted; maximumLineCount: 1 }
                Flow {
                    width: parent.width
                    spacing: 10 * page.uu
                    Repeater {
                        model: page.p.presets || []
                        BigButton {
                            required property var modelData
                            objectName: "preset" + modelData.cents
                            u: page.uu
                            width: (amountColumn.width - 20 * page.uu) / 3
                            // the suggested amount says so in words: filled would look chosen (17.10)
                            mark: modelData.cents === page.p.suggestedCents ? page.k.s["pass.suggested_mark"] : ""
                            text: modelData.label
                            onClicked: page.k.dayPass.choose(modelData.cents)
                        }
                    }
                }
                Label { objectName: "passError"; u: page.uu; width: parent.width; text: page.p.error || ""
                        color: Theme.bad; visible: text !== ""; maximumLineCount: 2 }
            }
            Column {
                anchors { right: parent.right; top: parent.top }
                spacing: 8 * page.uu
                Label { u: page.uu; text: page.k.s["pass.free_amount"] + (page.k.language === "fr" ? "\u00a0: " : ": ") + (amountPad.value || "…")
                        font.bold: true; maximumLineCount: 1 }
                Keypad { id: amountPad; objectName: "amountPad"; u: page.uu * 0.8; decimal: true; maxLength: 6
                         separator: page.k.s["keypad.decimal"] }
                BigButton {
                    objectName: "amountOk"
                    u: page.uu
                    width: amountPad.width
                    primary: true
                    enabledButton: amountPad.value !== ""
                    text: page.k.s["common.next"]
                    onClicked: page.k.dayPass.chooseText(amountPad.value)
                }
            }
        }

        // 3. payment method
        Column {
            visible: page.step === "method"
            width: parent.width
            spacing: 14 * page.uu
            Label { u: page.uu; width: parent.width; text: page.k.s["pass.step_method"]
                    font.pixelSize: 28 * page.uu; font.bold: true; maximumLineCount: 1 }
            Repeater {
                model: page.p.methods || []
                BigButton {
                    required property string modelData
                    objectName: "method_" + modelData
                    u: page.uu
                    width: body.width * 0.7
                    text: page.k.s["pass." + modelData]
                    onClicked: page.k.dayPass.pay(modelData)
                }
            }
        }

        // 3a. cash
        Column {
            visible: page.step === "cash"
            width: parent.width
            spacing: 18 * page.uu
            Label { u: page.uu; width: parent.width; text: page.p.cashHint || ""
                    font.pixelSize: 28 * page.uu; maximumLineCount: 3 }
            BigButton {
                objectName: "cashDone"
                u: page.uu
                width: body.width * 0.5
                primary: true
                enabledButton: !page.p.busy
                text: page.k.s["pass.cash_done"]
                onClicked: page.k.dayPass.cashDone()
            }
            Label { u: page.uu; width: parent.width; text: page.p.error || ""; color: Theme.bad
                    visible: text !== ""; maximumLineCount: 3 }
        }

        // 3b. online: QR code, then polling
        Row {
            visible: page.step === "online"
            spacing: 20 * page.uu
            Image {
                objectName: "qr"
                width: Math.min(body.height, body.width * 0.45); height: width
                source: page.p.qr || ""
                fillMode: Image.PreserveAspectFit
                smooth: false
            }
            Column {
                width: body.width * 0.5
                spacing: 12 * page.uu
                Label { u: page.uu; width: parent.width; text: page.p.onlineHint || ""
                        font.pixelSize: 24 * page.uu; maximumLineCount: 4 }
                Label { u: page.uu; width: parent.width; text: page.k.s["pass.online_waiting"]
                        color: Theme.muted; visible: !page.p.error; maximumLineCount: 1 }
                Label { objectName: "onlineError"; u: page.uu; width: parent.width; text: page.p.error || ""
                        color: Theme.bad; visible: text !== ""; maximumLineCount: 4 }
            }
        }

        // 4. door credential
        Column {
            visible: page.step === "credential"
            width: parent.width
            spacing: 14 * page.uu
            Label { u: page.uu; width: parent.width; text: page.k.s["pass.step_credential"]
                    font.pixelSize: 28 * page.uu; font.bold: true; maximumLineCount: 1 }
            Repeater {
                model: page.p.credentials || []
                BigButton {
                    required property string modelData
                    objectName: "credential_" + modelData
                    u: page.uu
                    width: body.width * 0.7
                    text: page.k.s["pass." + modelData]
                    onClicked: page.k.dayPass.credential(modelData)
                }
            }
        }

        // 4a. waiting for a spare badge
        Column {
            visible: page.step === "card"
            width: parent.width
            spacing: 14 * page.uu
            Label { u: page.uu; width: parent.width; text: page.k.s["pass.card_hint"]
                    font.pixelSize: 28 * page.uu; maximumLineCount: 3 }
            Label { u: page.uu; width: parent.width; text: page.k.s["pass.card_waiting"]; color: Theme.muted
                    maximumLineCount: 1 }
            Label { u: page.uu; width: parent.width; text: page.p.error || ""; color: Theme.bad
                    visible: text !== ""; maximumLineCount: 3 }
        }

        // 5. receipt
        Row {
            visible: page.step === "receipt"
            spacing: 20 * page.uu
            Column {
                id: receiptColumn
                width: body.width * (page.p.canEmail ? 0.55 : 1)
                spacing: 8 * page.uu
                Label { u: page.uu; width: parent.width; text: page.k.s["pass.thanks"]
                        font.pixelSize: 30 * page.uu; font.bold: true; color: Theme.accent; maximumLineCount: 2 }
                Label {
                    objectName: "passCode"
                    u: page.uu; width: parent.width
                    visible: (page.p.code || "") !== ""
                    text: page.k.s["pass.code_shown"].replace("{code}", page.p.code || "")
                    font.pixelSize: 34 * page.uu; font.bold: true; maximumLineCount: 1
                }
                Label { u: page.uu; width: parent.width
                        text: (page.p.code || "") !== "" ? (page.p.codeHint || "") : (page.p.cardBound || "")
                        maximumLineCount: 3 }
                Repeater {
                    model: page.p.receipt || []
                    Label { required property string modelData; u: page.uu; width: receiptColumn.width
                            text: modelData; color: Theme.muted; maximumLineCount: 2 }
                }
            }
            Column {
                width: body.width * 0.4
                spacing: 10 * page.uu
                visible: page.p.canEmail || false
                Label { u: page.uu; width: parent.width; text: page.k.s["pass.email"]; maximumLineCount: 2 }
                Controls.TextField {
                    id: emailField
                    objectName: "emailField"
                    width: parent.width
                    height: Math.max(48, 56 * page.uu)
                    font.pixelSize: 20 * page.uu
                    placeholderText: page.k.s["pass.email_placeholder"]
                    Accessible.role: Accessible.EditableText
                    Accessible.name: page.k.s["pass.email"]
                    inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase
                }
                BigButton { objectName: "emailSend"; u: page.uu; width: parent.width
                            text: page.k.s["pass.email_send"]; onClicked: page.k.dayPass.email(emailField.text) }
                Label { u: page.uu; width: parent.width; text: page.p.emailSent || page.p.error || ""
                        color: page.p.emailSent ? Theme.ok : Theme.bad; maximumLineCount: 2 }
            }
        }
        BigButton {
            objectName: "passDone"
            visible: page.step === "receipt"
            u: page.uu
            anchors { right: parent.right; bottom: parent.bottom }
            width: 200 * page.uu
            primary: true
            text: page.k.s["common.done"]
            onClicked: page.k.go_home()
        }
    }
}
