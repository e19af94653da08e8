"""The embedded Yangtze River Delta default dataset and its loader."""
