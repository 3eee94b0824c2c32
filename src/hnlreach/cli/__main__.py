"""`python -m hnlreach.cli` runs the command line."""
from hnlreach.cli import main

main()
