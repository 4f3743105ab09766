"""The values users type, one module per kind, shared by the CLI, the TUI forms and the importers.

`money` (amounts and currencies), `quantity` (product quantities), `duration` (minutes of a call or of
work), `percent` (probabilities), `jsontext` (JSON documents from files and pipes). Each parser returns
the exact value or raises BadInput naming what was wrong and how to write it; each formatter prints what
the parser reads back. Dates and periods are in `minicrm.dates`; phones and e-mails in
`store.people.fields`.
"""
