"""Full screens: dashboard, contacts, companies, deals, reports and the detail views."""
