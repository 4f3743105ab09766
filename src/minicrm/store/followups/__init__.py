"""What needs doing: the due queue, forgotten clients, the cron digest and whom to greet soon (`greetings`), all
from date indexes."""
