"""ScholarDesk: a desktop research dashboard for CS/ML researchers."""

__version__ = "0.1.0"
