import QtQuick
import QtQuick.Controls.Basic as Controls

// The day pass in three screens: amount, payment (cash and QR side by side), done (the door
// opens, the code large with its QR). The name and the receipt are optional, after payment.
Item {
    id: page
    objectName: "pass"
    readonly property var k: kiosk
    readonly property real uu: Math.min(width / 800, height / 480)
    // the day pass, or a member's top-up: the same amount and payment screens
    readonly property var flow: k.screen === "topup" ? k.topUp : k.dayPass
    readonly property var p: flow.state
    readonly property bool topUp: p.kind === "topup"
    readonly property string step: p.step || "amount"

    TopBar {
        id: bar
        kiosk: page.k
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: parent.top }
        title: page.p.title || page.k.s["pass.title"]
        showBack: page.step !== "done"
        onBack: page.flow.back()
    }
    StepBar {
        id: stepBar
        objectName: "stepBar"
        u: page.uu
        anchors { left: parent.left; right: parent.right; top: bar.bottom
                  leftMargin: 20 * page.uu; rightMargin: 20 * page.uu; topMargin: 6 * page.uu }
        labels: page.p.steps || []
        current: page.p.stepIndex || 0
        amount: page.p.amount || ""
    }
    Item {
        id: body
        anchors { left: parent.left; right: parent.right; top: stepBar.bottom; bottom: parent.bottom
                  leftMargin: 20 * page.uu; rightMargin: 20 * page.uu; topMargin: 8 * page.uu
                  bottomMargin: 16 * page.uu }

        // 1. pay what you can: one tap on a preset, or your own amount on the keypad
        Item {
            visible: page.step === "amount"
            anchors.fill: parent
            Column {
                id: amountColumn
                width: parent.width - ownAmount.width - 24 * page.uu
                spacing: 10 * page.uu
                Label { u: page.uu; width: parent.width
                        text: page.k.s[page.topUp ? "topup.step_amount" : "pass.step_amount"]
                        font.pixelSize: 28 * page.uu; font.bold: true; maximumLineCount: 1 }
                Label { objectName: "balanceNow"; u: page.uu; width: parent.width; text: page.p.balance || ""
                        visible: text !== ""; maximumLineCount: 1 }
                Label { u: page.uu; width: parent.width; text: page.p.floor || ""; visible: text !== ""
                        color: Theme.muted; maximumLineCount: 1 }
                Label { objectName: "shutNow"; u: page.uu; width: parent.width; text: page.p.shutNow || ""
                        visible: text !== ""; color: Theme.bad; font.bold: true; maximumLineCount: 3 }
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
                            height: Math.max(56, 76 * page.uu)
                            text: modelData.suggested
                                  ? modelData.label + "\n" + page.k.s["pass.suggested_short"]
                                  : modelData.label
                            border.color: modelData.suggested ? Theme.accent : Theme.line
                            border.width: modelData.suggested ? 3 : 2
                            onClicked: page.flow.choose(modelData.cents)
                        }
                    }
                }
                Label { objectName: "passError"; u: page.uu; width: parent.width; text: page.p.error || ""
                        color: Theme.bad; visible: text !== ""; maximumLineCount: 2 }
            }
            Column {
                id: ownAmount
                anchors { right: parent.right; top: parent.top }
                spacing: 6 * page.uu
                Label { u: page.uu; width: amountPad.width
                        text: page.k.s["pass.own_amount"] + (page.k.language === "fr" ? "\u00a0: " : ": ")
                              + (amountPad.value || "…")
                        // a six-figure amount typed in still fits: smaller, never cut
                        font.bold: true; maximumLineCount: 1; fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: 14 }
                Keypad { id: amountPad; objectName: "amountPad"; u: page.uu * 0.78; decimal: true; maxLength: 6
                         separator: page.k.s["keypad.decimal"] }
                BigButton {
                    objectName: "amountOk"
                    u: page.uu
                    width: amountPad.width
                    primary: true
                    enabledButton: amountPad.value !== ""
                    text: page.k.s["common.next"]
                    onClicked: page.flow.chooseText(amountPad.value)
                }
            }
        }

        // 2. payment: the cash box and the QR code side by side
        Row {
            visible: page.step === "pay"
            anchors.fill: parent
            spacing: 16 * page.uu
            readonly property bool cash: (page.p.methods || []).indexOf("cash") >= 0
            readonly property bool online: (page.p.methods || []).indexOf("online") >= 0
            Rectangle {
                id: cashCard
                visible: parent.cash
                width: parent.online ? (body.width - 16 * page.uu) * 0.45 : body.width
                height: body.height
                radius: 14 * page.uu; color: Theme.card; border.color: Theme.line
                Column {
                    anchors { fill: parent; margins: 16 * page.uu }
                    spacing: 14 * page.uu
                    Label { u: page.uu; width: parent.width; text: page.k.s["pass.pay_cash"]
                            font.pixelSize: 26 * page.uu; font.bold: true; maximumLineCount: 1 }
                    Label { u: page.uu; width: parent.width; text: page.k.s["pass.cash_then"]
                            maximumLineCount: 3 }
                    BigButton {
                        objectName: "cashDone"
                        u: page.uu
                        width: parent.width
                        height: Math.max(64, 96 * page.uu)
                        primary: true
                        enabledButton: !page.p.busy
                        text: page.p.cashButton || ""
                        onClicked: page.flow.cashDone()
                    }
                    Label { u: page.uu; width: parent.width; text: page.p.error || ""; color: Theme.bad
                            visible: text !== ""; maximumLineCount: 3 }
                }
            }
            Rectangle {
                visible: parent.online
                width: parent.cash ? (body.width - 16 * page.uu) * 0.55 : body.width
                height: body.height
                radius: 14 * page.uu; color: Theme.card; border.color: Theme.line
                Column {
                    id: onlineColumn
                    anchors { fill: parent; margins: 14 * page.uu }
                    spacing: 8 * page.uu
                    Label { id: onlineTitle; u: page.uu; width: parent.width; text: page.k.s["pass.pay_online"]
                            font.pixelSize: 26 * page.uu; font.bold: true; maximumLineCount: 1 }
                    Row {
                        spacing: 12 * page.uu
                        Item {
                            id: qrBox
                            width: Math.min(onlineColumn.height - onlineTitle.height - 8 * page.uu,
                                            onlineColumn.width * 0.6)
                            height: width
                            Image {
                                objectName: "qr"
                                anchors.fill: parent
                                source: page.p.qr || ""
                                fillMode: Image.PreserveAspectFit
                                smooth: false
                            }
                            Label { u: page.uu; anchors.centerIn: parent; visible: (page.p.qr || "") === ""
                                    && (page.p.onlineError || "") === ""
                                    text: page.k.s["common.working"]; color: Theme.muted }
                        }
                        Column {
                            width: onlineColumn.width - qrBox.width - 12 * page.uu
                            spacing: 10 * page.uu
                            Label { u: page.uu; width: parent.width; text: page.k.s["pass.scan_to_pay"]
                                    visible: (page.p.onlineError || "") === ""; maximumLineCount: 4 }
                            Label { u: page.uu; width: parent.width; text: page.k.s["pass.online_waiting"]
                                    color: Theme.muted; visible: (page.p.qr || "") !== "" && !page.p.onlineError
                                    maximumLineCount: 3 }
                            Label { objectName: "onlineError"; u: page.uu; width: parent.width
                                    text: page.p.onlineError || ""; color: Theme.bad; visible: text !== ""
                                    maximumLineCount: 6 }
                        }
                    }
                }
            }
        }

        // 2b. a spare badge: tap it on the reader
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

        // 3. a top-up done: the new balance
        Column {
            visible: page.step === "done" && page.topUp
            width: parent.width
            spacing: 16 * page.uu
            Label { objectName: "topUpDone"; u: page.uu; width: parent.width; text: page.p.doneText || ""
                    font.pixelSize: 30 * page.uu; font.bold: true; color: Theme.accent; maximumLineCount: 3 }
            Label { objectName: "topUpTwice"; u: page.uu; width: parent.width; text: page.p.paidTwice || ""
                    visible: text !== ""; font.bold: true; maximumLineCount: 3 }
            BigButton { objectName: "topUpFinished"; u: page.uu; width: body.width * 0.4; primary: true
                        text: page.k.s["common.done"]; onClicked: page.k.go_home() }
        }

        // 3. done: the door opens, the code large with its QR, then the optional extras
        Item {
            visible: page.step === "done" && !page.topUp
            anchors.fill: parent
            Rectangle {
                id: codeCard
                width: parent.width * 0.56
                height: parent.height
                radius: 14 * page.uu; color: Theme.card; border.color: Theme.line
                visible: (page.p.code || "") !== "" || (page.p.cardBound || "") === ""
                Column {
                    anchors { left: parent.left; right: codeQr.left; top: parent.top; margins: 14 * page.uu }
                    spacing: 6 * page.uu
                    Label { u: page.uu; width: parent.width; text: page.k.s["pass.code_title"]
                            font.bold: true; maximumLineCount: 2 }
                    Label {
                        objectName: "passCode"
                        u: page.uu
                        width: parent.width
                        text: page.p.codeGrouped || "… …"
                        font.pixelSize: 64 * page.uu
                        font.bold: true
                        font.family: "monospace"
                        maximumLineCount: 1
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: 28
                    }
                    Label { u: page.uu; width: parent.width; text: page.p.codeHint || ""
                            color: Theme.muted; maximumLineCount: 6 }
                    // paid a second time (cash, then the QR code): said where there is room
                    Label { objectName: "paidTwice"; u: page.uu; width: parent.width + codeQr.width
                            text: page.p.paidTwice || ""; visible: text !== ""; font.bold: true
                            maximumLineCount: 4 }
                }
                Image {
                    id: codeQr
                    objectName: "codeQr"
                    anchors { right: parent.right; top: parent.top; margins: 14 * page.uu }
                    width: Math.min(parent.height - 28 * page.uu, parent.width * 0.36); height: width
                    source: page.p.codeQr || ""
                    fillMode: Image.PreserveAspectFit
                    smooth: false
                }
            }
            Column {
                anchors { left: codeCard.visible ? codeCard.right : parent.left; right: parent.right
                          top: parent.top; leftMargin: codeCard.visible ? 16 * page.uu : 0 }
                spacing: 8 * page.uu
                Rectangle {
                    width: parent.width
                    height: doorText.implicitHeight + 16 * page.uu
                    radius: 10 * page.uu
                    color: page.p.door === "opened" ? Theme.ok : page.p.door === "no_answer" ? Theme.bad
                                                                                              : Theme.line
                    Label {
                        id: doorText
                        objectName: "doorText"
                        u: page.uu
                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                                  margins: 10 * page.uu }
                        text: (page.p.door === "opened" ? "✓ " : page.p.door === "no_answer" ? "✕ " : "")
                              + (page.p.doorText || page.k.s["common.working"])
                        color: page.p.door === "opened" || page.p.door === "no_answer" ? Theme.accentInk
                                                                                        : Theme.ink
                        font.pixelSize: 20 * page.uu
                        font.bold: true
                        maximumLineCount: 3
                    }
                }
                Label { u: page.uu; width: parent.width; text: page.p.cardBound || ""; visible: text !== ""
                        maximumLineCount: 3 }
                Label { objectName: "paidLine"; u: page.uu; width: parent.width
                        text: (page.p.receipt || []).slice(-1)[0] || ""; color: Theme.muted
                        maximumLineCount: 2 }
            }
            Column {
                anchors { right: parent.right; bottom: parent.bottom }
                width: parent.width - (codeCard.visible ? codeCard.width + 16 * page.uu : 0)
                spacing: 8 * page.uu
                BigButton { objectName: "passDetails"; u: page.uu; width: parent.width
                            text: page.k.s["pass.details"]; onClicked: page.flow.details() }
                BigButton { objectName: "passCard"; u: page.uu; width: parent.width; visible: page.p.canCard || false
                            text: page.k.s["pass.card_instead"]; onClicked: page.flow.credential("card") }
                BigButton { objectName: "passDone"; u: page.uu; width: parent.width; primary: true
                            text: page.k.s["common.done"]; onClicked: page.k.go_home() }
            }
        }

        // 3b. optional, after payment: the first name, the receipt by e-mail
        Column {
            visible: page.step === "details"
            width: parent.width
            spacing: 10 * page.uu
            Label { u: page.uu; width: parent.width; text: page.k.s["pass.step_name"]
                    font.bold: true; maximumLineCount: 1 }
            Row {
                spacing: 12 * page.uu
                Controls.TextField {
                    id: nameField
                    objectName: "nameField"
                    width: body.width * 0.62
                    height: Math.max(48, 60 * page.uu)
                    font.pixelSize: 24 * page.uu
                    text: page.p.name || ""
                    placeholderText: page.k.s["pass.name_placeholder"]
                    Accessible.role: Accessible.EditableText
                    Accessible.name: page.k.s["pass.step_name"]
                    inputMethodHints: Qt.ImhNoPredictiveText
                    onAccepted: page.flow.setName(text)
                }
                BigButton { objectName: "nameSave"; u: page.uu; width: body.width * 0.34; primary: true
                            text: page.k.s["pass.save"]; onClicked: page.flow.setName(nameField.text) }
            }
            Label { u: page.uu; width: parent.width; text: page.k.s["pass.email"]; font.bold: true
                    visible: page.p.canEmail || false; maximumLineCount: 1 }
            Row {
                visible: page.p.canEmail || false
                spacing: 12 * page.uu
                Controls.TextField {
                    id: emailField
                    objectName: "emailField"
                    width: body.width * 0.62
                    height: Math.max(48, 60 * page.uu)
                    font.pixelSize: 20 * page.uu
                    placeholderText: page.k.s["pass.email_placeholder"]
                    Accessible.role: Accessible.EditableText
                    Accessible.name: page.k.s["pass.email"]
                    inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase
                }
                BigButton { objectName: "emailSend"; u: page.uu; width: body.width * 0.34
                            text: page.k.s["pass.email_send"]; onClicked: page.flow.email(emailField.text) }
            }
            Label { u: page.uu; width: parent.width; text: page.p.emailSent || page.p.error || ""
                    visible: text !== ""
                    color: page.p.emailSent ? Theme.ok : Theme.bad; maximumLineCount: 2 }
        }
    }
}
