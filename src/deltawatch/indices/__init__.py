"""Composite indices: stored runs of the index engine (builds, uncertainty, sensitivity) and their results."""
