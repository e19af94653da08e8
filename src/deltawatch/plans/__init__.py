"""The task ledger (清单): plans, sections, measures, tasks, assignments, the closed loop, alerts."""
