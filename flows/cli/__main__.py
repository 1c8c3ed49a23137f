"""`python -m flows.cli`: the same command as `ironmiles`."""

from flows.cli import main

main()
