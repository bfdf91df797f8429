"""Watching what a preview is made from: the catalog, ``layouts/``, ``styles/`` and the brand
file (watchfiles, as sphinx-autobuild does)."""

from __future__ import annotations

import threading
from pathlib import Path

import watchfiles

from ..options import BuildOptions
from ..resources import LAYOUTS, STYLES


def _watch(options: BuildOptions, changed, stop: threading.Event) -> None:
    """Call ``changed()`` after every change to the catalog, templates, styles or brand file
    (and the images beside it, for its logo)."""
    folders = [Path(p).resolve() for p in (options.catalog, LAYOUTS, STYLES)]
    brand = options.brand.resolve() if options.brand else None
    default = watchfiles.DefaultFilter()

    def wanted(change, name: str) -> bool:
        path = Path(name)
        return default(change, name) and (
            any(f in path.parents for f in folders) or path == brand
            or (brand is not None and brand.parent in path.parents and path.suffix in (".svg", ".png")))

    roots = [p for p in [*folders, *([brand.parent] if brand else [])] if p.is_dir()]
    for _ in watchfiles.watch(*roots, watch_filter=wanted, stop_event=stop, debounce=400, step=30,
                              raise_interrupt=False):
        changed()
