"""Document intake (issue 17): a plan document in, draft targets and tasks out, reviewed by a
person and accepted into the catalogue and the ledger."""
