"""From a plan to files on disk: ``plan.py`` works out what is out of date (from
``fingerprint.py``'s hashes and ``manifest.py``'s record; ``alternates.py`` says which
languages a portal page can link), ``execute.py`` carries a plan out through ``workers.py``
(warm processes or Dask), and ``writer.py`` alone writes into the output folder."""
