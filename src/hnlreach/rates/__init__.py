"""rates layer."""
