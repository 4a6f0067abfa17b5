"""``python -m corridor``: the same entry point as the ``corridor`` console script."""

from corridor.cli import main

main()
