"""``python -m publisher``: the same as the ``publisher`` command."""

from .cli import main

main(prog_name="publisher")
