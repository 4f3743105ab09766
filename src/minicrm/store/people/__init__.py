"""People and companies: contacts, companies, interactions, stay-in-touch cadences, REF resolution, segments,
full-text search, users and team hand-over, and contacts' dates to greet them on (`contact_dates`)."""
