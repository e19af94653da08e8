"""Regional analytics on the database: disparity, convergence, coordination and spatial statistics."""
