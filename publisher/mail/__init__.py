"""Handouts by e-mail: ``check --email`` (will a mail gateway take this file?) and the draft
message ``handout --eml`` and the desk's Email button write around one handout.

``sizes.py`` (a budget such as ``10MB``; a file's size once encoded for mail), ``pdf_scan.py``
and ``epub_scan.py`` (what gateways hold a PDF or an EPUB for), ``check.py`` (the files of a
folder against a budget, one line per problem), ``message.py`` (the unsent RFC 5322 draft).
"""
