"""Notebook magics: ``%%cell_to_module`` and friends, loaded by ``%load_ext hamilton_nb``.

The package is split so that everything except ``notebook_magics`` works without IPython:
``cell_module`` (cells -> real modules, updated in place), ``options`` (option values),
``chunks`` (definition-by-definition compilation), ``cell_run`` (one all-or-nothing run),
``state`` (what is remembered between cells), ``locate`` (build errors -> cell lines),
``safe_write`` (``-w``), ``progress`` (delayed progress bar), ``status`` (``%hamilton_status``),
``assigned`` (``%%set_dict``), ``module_source`` (``%module_to_cell``).
``incremental``, ``fingerprint`` and ``autoreload`` decide what re-runs recompute and reload.
"""
