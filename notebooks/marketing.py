"""A small marketing dataflow used by the quickstart notebook.

Each function is a node: its name is the value it computes, its parameters are the values
it needs. Nothing here knows about hamilton_nb.
"""

import pandas as pd

from hamilton_nb.function_modifiers import config


def weekly_data(n_weeks: int = 8) -> pd.DataFrame:
    """Spend and sign-ups per week (generated, so the notebook runs anywhere)."""
    weeks = pd.RangeIndex(1, n_weeks + 1, name="week")
    spend = pd.Series([100.0 + 15 * w for w in weeks], index=weeks)
    signups = pd.Series([3 + (w * 7) % 11 for w in weeks], index=weeks)
    return pd.DataFrame({"spend": spend, "signups": signups})


def spend(weekly_data: pd.DataFrame) -> pd.Series:
    """Marketing spend per week."""
    return weekly_data["spend"]


def signups(weekly_data: pd.DataFrame) -> pd.Series:
    """New sign-ups per week."""
    return weekly_data["signups"]


def spend_per_signup(spend: pd.Series, signups: pd.Series) -> pd.Series:
    """Cost of one sign-up."""
    return spend / signups


def spend_rolling_mean(spend: pd.Series, window: int = 3) -> pd.Series:
    """Spend smoothed over ``window`` weeks."""
    return spend.rolling(window, min_periods=1).mean()


@config.when(currency="EUR")
def spend_in_currency__eur(spend: pd.Series, eur_rate: float = 0.92) -> pd.Series:
    """Spend converted to euros."""
    return spend * eur_rate


@config.when_not(currency="EUR")
def spend_in_currency__usd(spend: pd.Series) -> pd.Series:
    """Spend in dollars, as recorded."""
    return spend
