"""barometer: an explorer for public-opinion survey data."""

__version__ = "0.1.0"
