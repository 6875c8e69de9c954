"""Issue 15's fidelity tests: each against the operator on a real loopback port.

Expected statuses and messages come from IABTechLab/uid2-operator 5.70.250 (and, for v1,
3b175ce1); each test cites the file in its docstring.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.operator.fidelity.loopback import Loopback
from uid2_desk.operator import LocalOperator, OperatorServer


@pytest.fixture
def loopback(operator_server: OperatorServer, live_operator: LocalOperator) -> Iterator[Loopback]:
    """An HTTP client on the live operator's loopback port."""
    with httpx.Client(base_url=operator_server.base_url, timeout=10) as client:
        yield Loopback(client, live_operator, operator_server.base_url)
