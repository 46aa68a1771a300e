"""Frozen dataclasses and pure rules shared by every layer above."""
