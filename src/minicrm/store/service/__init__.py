"""Service: requests clients open, their status, assignee and the time spent on them."""
