"""The embedded Yangtze River Delta default dataset and its loader (``defaults.loader``)."""

from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    """Folder of the shipped CSV files (inside the installed package; no Django needed)."""
    return Path(str(resources.files("deltawatch.defaults") / "data"))
