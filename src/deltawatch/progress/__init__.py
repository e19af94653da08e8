"""Progress towards targets: assessment runs, the current assessment of every target, status changes."""
