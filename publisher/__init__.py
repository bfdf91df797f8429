"""publisher: patient handouts, booklets and ebooks from a catalog of safety reviews.

The library is usable without the CLI::

    from publisher import build
    report = build("catalog", "dist", formats="html,pdf")
"""

__version__ = "0.1.0"

from .build import build  # noqa: E402
from .catalog import load_catalog  # noqa: E402
from .errors import CatalogError, PublisherError  # noqa: E402

__all__ = ["build", "load_catalog", "CatalogError", "PublisherError", "__version__"]
