"""The iCal side of minicrm: `entries` picks the items, `zones` names their time zone and writes its VTIMEZONE,
`ics` and `feed` render them (plain string building), `serve` publishes over HTTP (`live` keeps the served feed
up to date, `changes` says what changed), `push` writes to CalDAV."""
