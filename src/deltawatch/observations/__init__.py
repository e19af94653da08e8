"""Statistics (统计体系): yearly values per region and indicator, their revisions and imports."""
