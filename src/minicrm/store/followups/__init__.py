"""What needs doing: the due queue, forgotten clients and the cron digest (all from date indexes)."""
