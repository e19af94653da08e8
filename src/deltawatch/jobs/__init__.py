"""Background jobs: work that outlasts a request, queued in the database and run by a worker
thread of ``deltawatch serve`` or by ``deltawatch jobs run`` (cron)."""
