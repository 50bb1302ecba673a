"""formcheck: exercise form checking for the hip thrust family."""

__version__ = "0.1.0"
