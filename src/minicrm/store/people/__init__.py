"""People and companies: contacts, companies, interactions, stay-in-touch cadences, REF resolution, segments,
full-text search, users and team hand-over, contacts' dates to greet them on (`contact_dates`), and typed custom
fields (`field_types`, `field_filters`, `segment_bins`)."""
