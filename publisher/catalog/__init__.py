"""Reading the catalog: one YAML file at a time (``records.py``, under the file rules of
``files.py``), into the model (``model.py``); the clinic's brand file (``brand.py``), reviews
grouped into bundles (``bundles.py``), the characters the vendored faces draw (``glyphs.py``)
and which reviews may be released (``release.py``)."""

from .load import load_catalog
from .model import STATUSES, Catalog, Compound, Condition, Reference, Review, Site

__all__ = ["load_catalog", "Catalog", "Compound", "Condition", "Reference", "Review", "Site", "STATUSES"]
