import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// The on-screen keyboard, over the screen (never shrinking it): while it is open it lifts the
// screen just enough that the field being typed in, and the button after it, stay above it.
// AZERTY in French, QWERTY in English, following the kiosk's language switch.
InputPanel {
    id: panel
    required property string language
    // the window's item with the focus (root.activeFocusItem), and the screen the keyboard lifts
    property Item focusItem: null
    property Item content: null
    readonly property real margin: 8
    // how far the screen goes up: 0 while the keyboard is closed
    readonly property real lift: active ? Math.max(0, Math.min(_needed(), _room())) : 0

    objectName: "keyboard"
    // the layout shown: the language's (read by the tests)
    readonly property string locale: language === "fr" ? "fr_FR" : "en_US"
    width: parent.width
    y: active ? parent.height - height : parent.height
    Accessible.name: language === "fr" ? "Clavier" : "Keyboard"

    // The field and the button that follows it (its next visible sibling, or the item its
    // ``keyboardNext`` property names), in the stage's coordinates, before any lift.
    function _keep() {
        const field = panel.focusItem
        if (!field || !panel.content || !field.visible)
            return null
        let top = field.mapToItem(panel.content, 0, 0).y
        let bottom = top + field.height
        let next = field.keyboardNext !== undefined ? field.keyboardNext : _nextSibling(field)
        if (next && next.visible) {
            const y = next.mapToItem(panel.content, 0, 0).y
            top = Math.min(top, y)
            bottom = Math.max(bottom, y + next.height)
        }
        return { top: top, bottom: bottom }
    }
    function _nextSibling(item) {
        const siblings = item.parent ? item.parent.children : []
        let seen = false
        for (let i = 0; i < siblings.length; ++i) {
            if (seen && siblings[i].visible && siblings[i].width > 0 && siblings[i].height > 0)
                return siblings[i]
            if (siblings[i] === item)
                seen = true
        }
        return null
    }
    function _needed() {
        // read so that the lift follows the keyboard, the focus and the layout
        const keep = (panel.height, panel.focusItem, panel.content ? panel.content.height : 0, _keep())
        return keep ? keep.bottom + panel.margin - (panel.parent.height - panel.height) : 0
    }
    function _room() {
        const keep = _keep()
        return keep ? Math.max(0, keep.top - panel.margin) : 0  // never lift the field off the top
    }

    // A keyboard left open over a screen with nothing to type in (the name step done, a screen
    // changed): close it.
    readonly property bool typing: focusItem !== null && focusItem.visible
                                   && focusItem.cursorPosition !== undefined
    onTypingChanged: if (!typing) Qt.inputMethod.hide()

    Binding {
        target: VirtualKeyboardSettings
        property: "locale"
        value: panel.locale
    }
    Binding {
        target: VirtualKeyboardSettings
        property: "activeLocales"
        value: [panel.locale]
    }
}
