"""Read models that combine domains: the contact and company cards, caller look-up, the dashboard's charts."""
