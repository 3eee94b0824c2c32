"""Dark-neutrino sector models (DarkNews's model space): description, file readers, couplings."""
from hnlreach.models.dark_sector import DarkSector
from hnlreach.models.files import from_darknews_parameters, from_toml, load_model, parse_darknews_text

__all__ = ["DarkSector", "from_darknews_parameters", "from_toml", "load_model", "parse_darknews_text"]
