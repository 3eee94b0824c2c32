"""detection layer."""
