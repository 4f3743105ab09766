"""The iCal side of minicrm: `entries` picks the items, `zones` names their time zone and writes its VTIMEZONE,
`feed` renders (icalendar), `serve` publishes over HTTP, `push` writes to CalDAV."""
