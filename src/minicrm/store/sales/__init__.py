"""Sales: deals in the pipeline (and what each contact and company is worth in them), tasks, campaigns and the sales
reports (funnel, forecast, sales, clients; lost clients and lost deals in `lost`); sales plans (`plans`), each user's
facts of a period (`user_facts`) and plan against fact (`plan_report`)."""
