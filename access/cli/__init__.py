"""The ``seuil`` admin command. One module per command group; each registers its parsers."""
