"""Config keys with a meaning to the engine itself (Hamilton's ``settings`` module)."""

from __future__ import annotations

# With this key set to True in the config, ``@resolve`` may change the dataflow by config.
ENABLE_POWER_USER_MODE = "hamilton.enable_power_user_mode"
