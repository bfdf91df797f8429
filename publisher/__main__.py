"""``python -m publisher``."""

from .cli import main

main(prog_name="publisher")
