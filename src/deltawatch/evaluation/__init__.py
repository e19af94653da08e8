"""Historical app: its migrations created the tables now owned by ``progress`` and ``indices``."""
