"""Suite-wide fixtures: the sample cache (hnlreach.cache) lives in a temporary directory, never
in the user's ~/.cache."""
import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield
    mp.undo()
