"""统计体系 (the statistics workflow, app label ``reporting``): data sets (报表), reporting cycles, forms per region, validation rules, outlier flags, approval and locking."""
