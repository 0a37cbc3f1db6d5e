"""Integrations with other libraries, at Hamilton's ``hamilton.plugins`` paths.

Each plugin is its own module and is imported only when asked for
(``from hamilton_nb.plugins import h_polars``); importing this package imports none of them.

- ``h_pandas``, ``h_polars``, ``h_polars_lazyframe``: ``@with_columns`` and the polars result
  builders; ``polars_extensions``: the polars loaders and savers of ``to.<kind>`` /
  ``from_.<kind>`` (registered on first use of the I/O registry when polars is installed).
- ``h_narwhals``: run nodes written against narwhals on pandas or polars data.
- ``jupyter_magic``: ``%load_ext hamilton_nb.plugins.jupyter_magic`` (same as
  ``%load_ext hamilton_nb``).
"""
