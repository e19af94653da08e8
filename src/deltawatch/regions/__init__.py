"""Regions (GB/T 2260), their hierarchy and validity over time, and region groups."""
