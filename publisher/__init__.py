"""publisher: patient handouts, booklets and ebooks from a catalog of safety reviews.

The library is usable without the CLI::

    from publisher import build
    report = build("catalog", "dist", formats="html,pdf")

or in two steps, looking at the plan first::

    from publisher import BuildOptions, execute, plan
    todo = plan(BuildOptions(catalog="catalog", out="dist"))
    print(todo.summary()); execute(todo)

The pipeline, stage by stage: ``catalog/`` (reading and checking the YAML), ``i18n/`` (the
reader's language), ``render.py`` (records -> HTML), ``outputs/`` (one class per format),
``pipeline/`` (plan, fingerprints, workers, the one writer), ``serve/`` (the live preview);
``paths.py`` says where every file goes. Names here are imported on first use, so
``import publisher.options`` (or ``--version``) does not load the build.
"""

from __future__ import annotations

import importlib

from .version import __version__

_API = {"build": "pipeline.execute", "execute": "pipeline.execute", "BuildReport": "pipeline.execute",
        "plan": "pipeline.plan", "plans": "pipeline.plan", "Plan": "pipeline.plan",
        "BuildOptions": "options", "load_catalog": "catalog", "CatalogError": "errors",
        "PublisherError": "errors"}

__all__ = [*_API, "__version__"]


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'publisher' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_API[name]}"), name)
    globals()[name] = value  # once
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
