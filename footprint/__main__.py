"""``python -m footprint``: the command line, as the ``footprint`` script runs it."""

from .cli import run

run()
