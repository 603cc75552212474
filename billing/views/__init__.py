"""Billing's screens, one module per area; urls.py names them through this package."""

from billing.views.adjustments import *  # noqa: F403
from billing.views.bills import *  # noqa: F403
from billing.views.collections import *  # noqa: F403
from billing.views.ledger import *  # noqa: F403
from billing.views.refunds import *  # noqa: F403
