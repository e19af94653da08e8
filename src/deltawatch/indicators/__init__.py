"""The indicator system (指标体系): catalogue, dimensions, derived indicators, targets."""
