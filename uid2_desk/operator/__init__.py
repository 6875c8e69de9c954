"""The embedded local UID2 operator (design.md §4).

A real HTTP server speaking the v2 protocol exactly as the official SDKs expect, with its
state in a data directory and an admin surface for the desk::

    operator = LocalOperator.open(data_dir, clock=clock, lifetimes=Lifetimes.demo())
    server = OperatorServer(operator)            # loopback, free port
    base_url = server.start()                    # returns once listening
    operator.credentials.publisher.api_key       # working credentials
    operator.admin.opt_out("email", "jane@example.com")
    operator.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/refresh", times=1))
    server.stop(); operator.close()
"""

from uid2_desk.operator.admin.faults import ActiveFault, Fault, FaultKind
from uid2_desk.operator.admin.service import OperatorAdmin
from uid2_desk.operator.http.server import OperatorServer
from uid2_desk.operator.local_operator import LocalOperator
from uid2_desk.operator.state.credentials import ClientCredentials, IssuedCredentials
from uid2_desk.operator.state.cstg_sites import CstgSettings
from uid2_desk.operator.state.lifetimes import LifetimeProfile, Lifetimes
from uid2_desk.operator.state.optouts import StoredOptOut
from uid2_desk.operator.state.request_log import ServedRequest

__all__ = [
    "ActiveFault",
    "ClientCredentials",
    "CstgSettings",
    "Fault",
    "FaultKind",
    "IssuedCredentials",
    "LifetimeProfile",
    "Lifetimes",
    "LocalOperator",
    "OperatorAdmin",
    "OperatorServer",
    "ServedRequest",
    "StoredOptOut",
]
