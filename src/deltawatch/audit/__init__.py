"""Who changed what, when: one change record per save or delete of an audited model."""
