"""Pure computation over pandas/NumPy. Nothing in this package imports Django."""
