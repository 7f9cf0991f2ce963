import QtQuick

// Digits for codes and amounts: big keys, no keyboard needed.
Grid {
    id: pad
    property real u: 1
    property string value: ""
    property int maxLength: 6
    property bool decimal: false
    property string separator: ","  // the language's decimal mark, shown on the key and typed
    // the ⌫ key, read aloud
    property string eraseName: typeof kiosk !== "undefined" && kiosk.language === "en" ? "Delete" : "Effacer"
    columns: 3
    spacing: 8 * u
    readonly property real key: Math.max(48, 58 * u)
    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", pad.decimal ? pad.separator : "", "0", "⌫"]
        BigButton {
            required property string modelData
            u: pad.u
            width: pad.key * 1.6; height: pad.key
            text: modelData
            accessibleName: modelData === "⌫" ? pad.eraseName : modelData
            visible: modelData !== ""
            onClicked: {
                if (modelData === "⌫") pad.value = pad.value.slice(0, -1)
                else if (modelData === pad.separator && pad.value.indexOf(pad.separator) >= 0) return
                else if (pad.value.length < pad.maxLength) pad.value += modelData
            }
        }
    }
}
