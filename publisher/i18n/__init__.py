"""The reader's language: the template wording (``wording.py``, ``layouts/locale/``), the
catalog's own text in other languages (``strings.py`` what is translatable, ``po_reader.py``
reading a PO file with every check its YAML gets, ``po_files.py`` the PO and status files,
``translate.py`` a translated catalog for a build), and reading-level scores per language
(``readability.py``, ``readability_es.py``)."""
