"""The data layer: the database and every domain's service functions (all SQL of minicrm lives here).

Subpackages, lowest first (a package imports only from those below it; `tests/test_layers.py` and the
import-linter contracts in pyproject.toml keep it so):

- `core`: the database — session, dialect layer (SQLite/PostgreSQL), schema, migrations, audit log, text keys.
- `people` and `service`: contacts, companies, interactions, cadences, segments, search, users; service requests.
- `followups` and `sales`: the due queue, forgotten clients, the cron digest; deals, tasks, campaigns, reports.
- `views` and `exchange`: read models across domains (cards, caller look-up, dashboard charts); import,
  export, backup, copy between backends and the demo data.
"""
