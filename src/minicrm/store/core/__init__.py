"""The database: DB-API session, the SQLite/PostgreSQL dialect layer, the schema, migrations, the audit log,
text keys for case- and accent-blind look-ups, and the record types the services return."""
