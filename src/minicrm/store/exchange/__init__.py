"""Data in and out: CSV/vCard/JSON import, export, backup and restore, bulk actions, copying a database to the
other backend, and the demo sample."""
