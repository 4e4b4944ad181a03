"""`python -m barometer.cli`: the same as the `barometer` command."""

from barometer.cli import main

main()
