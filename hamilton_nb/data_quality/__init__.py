"""Data quality checks run by ``@check_output`` / ``@check_output_custom`` (Hamilton's
``data_quality`` package).

- ``base``: the validator contract (``DataValidator``, ``BaseDefaultValidator``,
  ``ValidationResult``, ``DataValidationLevel``) and ``DataValidationError``.
- ``default_validators``: the checks ``@check_output(**kwargs)`` picks by keyword and output type
  (implemented in ``series_validators`` and ``value_validators``, with ``check_support``).
- ``pandera_validators``: ``@check_output(schema=...)`` with a pandera schema (needs pandera).

Nothing here imports pandas, numpy or pandera until a check needs them.
"""
