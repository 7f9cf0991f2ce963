pragma Singleton
import QtQuick

QtObject {
    readonly property color background: "#f6f3ee"
    readonly property color card: "#ffffff"
    readonly property color ink: "#1f2a2e"
    readonly property color muted: "#5d6b70"
    readonly property color accent: "#1f7a6d"
    readonly property color accentInk: "#ffffff"
    readonly property color warm: "#e8a33d"
    readonly property color bad: "#c0392b"
    readonly property color busy: "#d9822b"
    readonly property color ok: "#2e8b57"
    readonly property color line: "#ddd6cc"
}
