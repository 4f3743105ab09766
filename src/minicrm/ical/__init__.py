"""The iCal side of minicrm: `feed` renders (icalendar), `serve` publishes over HTTP, `push` writes to CalDAV."""
