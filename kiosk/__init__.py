"""``seuil kiosk``: the entrance touchscreen (QML screens, Python view-models, no business logic)."""
