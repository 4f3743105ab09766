"""The full-screen dashboard (Textual); imported only by `minicrm tui`."""
