"""Sales: deals in the pipeline, tasks, campaigns and the sales reports (funnel, forecast, sales, clients)."""
