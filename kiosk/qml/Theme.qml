pragma Singleton
import QtQuick

// The colours and the text scale of [kiosk] theme and text_scale: the palette comes from
// kiosk/theme.py (where a test measures its contrasts), through the kiosk's root view-model.
QtObject {
    readonly property var k: typeof kiosk !== "undefined" ? kiosk : null
    readonly property var palette: k ? k.theme : ({})
    readonly property real textScale: k ? k.textScale : 1

    readonly property color background: palette.background || "#ffffff"
    readonly property color card: palette.card || "#ffffff"
    readonly property color ink: palette.ink || "#000000"
    readonly property color muted: palette.muted || "#000000"
    readonly property color accent: palette.accent || "#000000"
    readonly property color accentInk: palette.accentInk || "#ffffff"
    readonly property color warm: palette.warm || "#ffffff"
    readonly property color typical: palette.typical || "#000000"
    readonly property color bad: palette.bad || "#000000"
    readonly property color badInk: palette.badInk || "#ffffff"
    readonly property color badBackground: palette.badBackground || "#ffffff"
    readonly property color busy: palette.busy || "#000000"
    readonly property color ok: palette.ok || "#000000"
    readonly property color okInk: palette.okInk || "#ffffff"
    readonly property color line: palette.line || "#000000"
    readonly property color track: palette.track || "#cccccc"
    readonly property color disabled: palette.disabled || "#eeeeee"
    readonly property color disabledInk: palette.disabledInk || "#333333"
    readonly property color notice: palette.notice || "#ffffff"
    readonly property color keyline: palette.keyline || "#000000"
}
