"""The one exception type for bad user input; the CLI turns it into a one-line error and exit status 2."""


class HNLInputError(ValueError):
    """Unphysical or malformed input (mass out of range, unknown flavour, bad config, ...)."""
