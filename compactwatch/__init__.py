"""compactwatch: run a local Compact between public bodies and voluntary groups."""

__version__ = "0.1.0"
