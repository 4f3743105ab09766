"""Import contacts from CSV and vCard: a plan of create/update/skip first, then one all-or-nothing transaction.

Who is who: the vCard UID, then the e-mail; a phone number only together with the same name (a switchboard or
a family's landline is shared: a phone alone never merges two people, never renames anyone), then the exact
name + company (case and accents ignored), against the database and against earlier rows of the same file, so
re-running an import creates nothing new. A file is read, planned and written a batch of rows at a time
(`planning.BATCH`) inside one write transaction, so memory holds a batch and the file's match keys, not its rows;
rows are written with `executemany` (ids allocated up front inside the write lock) and the search index is
filled in bulk at the end, keeping every invariant `contacts.create_contact` keeps: name_key, email_key,
phone_key, birthday_md, unique company names, timestamps, revision, audit, FTS.

In the order an import runs: `decoding` and `csv_format` (with `date_order`) / `vcard_format` read a file into
the types of `records` (`csv_format.open_csv` row by row), `planning` matches them against the database and the
file's earlier rows, `applying` writes each batch (`applying.run`), `merging` folds a row into a contact an
earlier batch wrote; a company's own card goes through `company_cards` instead.
"""
