"""publisher's version: a leaf module, so that what stamps it (fingerprints, generators' names,
``--version``) never imports the build."""

__version__ = "0.2.0"
