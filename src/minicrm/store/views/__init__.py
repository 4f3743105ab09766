"""Read models that combine domains: the contact and company cards, caller look-up, the dashboard's charts, the
shell's completion candidates (`completion`), what `minicrm doctor` says about a database (`health`) and the time
spent on interactions and service requests (`time_spent`); the head of sales' view of the team (`team_report`)."""
