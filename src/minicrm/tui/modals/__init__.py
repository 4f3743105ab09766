"""Forms and confirmations (ModalScreen) that dismiss with a result, or None on Escape."""
