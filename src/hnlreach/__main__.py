"""`python -m hnlreach` runs the command line."""
from hnlreach.cli import main

main()
