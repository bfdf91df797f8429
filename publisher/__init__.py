"""publisher: patient handouts, booklets and ebooks from a catalog of safety reviews.

The library is usable without the CLI::

    from publisher import build
    report = build("catalog", "dist", formats="html,pdf")

or in two steps, looking at the plan first::

    from publisher import BuildOptions, execute, plan
    todo = plan(BuildOptions(catalog="catalog", out="dist"))
    print(todo.summary()); execute(todo)
"""

__version__ = "0.2.0"

from .build import BuildReport, build, execute  # noqa: E402
from .catalog import load_catalog  # noqa: E402
from .errors import CatalogError, PublisherError  # noqa: E402
from .options import BuildOptions  # noqa: E402
from .plan import Plan, plan, plans  # noqa: E402

__all__ = ["build", "plan", "plans", "execute", "BuildOptions", "BuildReport", "Plan", "load_catalog",
           "CatalogError", "PublisherError", "__version__"]
