"""Exchange with other systems, and the copies that keep an installation safe.

* :mod:`.sdmx` — observations as SDMX-CSV 2.0 (SDMX 3.0; SDMX-CSV 1.0 of SDMX 2.1 is read too),
  with the indicator and region code lists as plain CSV beside them;
* :mod:`.opensdg` — the Open SDG data layout: one CSV per indicator (Year, breakdowns, GeoCode,
  Value), in a folder or a ZIP;
* :mod:`.indexjson` — a stored index run (spec, scores, ranks, rank intervals, Sobol indices)
  as one JSON document;
* :mod:`.importing` — a file of another format, read into the importer's long layout, written
  by the importer (all or nothing, each problem named by the row of the original file);
* :mod:`.backup` — ``deltawatch backup`` / ``restore``: every table and the evidence files in
  one ZIP with a manifest, for SQLite and PostgreSQL alike.

The format modules are pure (text in, DataFrame out, and back); the database is touched only by
:mod:`.importing`, :mod:`.indexjson` and :mod:`.backup`. No models.
"""
