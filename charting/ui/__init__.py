"""The PySide6 window: the head diagram, panels and dialogs, thin adapters over the domain session."""
