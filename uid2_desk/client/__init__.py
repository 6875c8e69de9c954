"""The publisher's side of the wire (design.md §2): Qt-free.

- :class:`OperatorClient` calls an operator's v2 endpoints over an injected
  ``httpx.AsyncClient``; every call returns an :class:`Outcome` (exchange + value or error).
- :class:`Environment` names where calls go; :func:`ensure_same_environment` guards identities.
- :class:`Credentials` and the :class:`CredentialStore` implementations keep API keys and
  secrets (keychain, session memory, environment variables).
- :func:`skew_warning` / :func:`assess_skew` judge the operator's clock against the desk's.
"""

from uid2_desk.client.credential_stores import (
    CredentialStore,
    EnvCredentialStore,
    LayeredCredentialStore,
    SessionCredentialStore,
)
from uid2_desk.client.credentials import Credentials, mask_api_key, mask_authorization
from uid2_desk.client.environments import (
    ENVIRONMENT_IDS,
    KNOWN_ENVIRONMENTS,
    Environment,
    EnvironmentKind,
    ensure_same_environment,
)
from uid2_desk.client.keychain_store import KeyringCredentialStore
from uid2_desk.client.operator_client import CLIENT_VERSION, OperatorClient
from uid2_desk.client.results import (
    KeyBundle,
    OptOutRecord,
    OptOutStatus,
    Outcome,
    SiteData,
    TokenResult,
    TokenStatus,
)
from uid2_desk.client.skew import SkewAssessment, SkewLevel, assess_skew, skew_warning

__all__ = [
    "CLIENT_VERSION",
    "ENVIRONMENT_IDS",
    "KNOWN_ENVIRONMENTS",
    "CredentialStore",
    "Credentials",
    "EnvCredentialStore",
    "Environment",
    "EnvironmentKind",
    "KeyBundle",
    "KeyringCredentialStore",
    "LayeredCredentialStore",
    "OperatorClient",
    "OptOutRecord",
    "OptOutStatus",
    "Outcome",
    "SessionCredentialStore",
    "SiteData",
    "SkewAssessment",
    "SkewLevel",
    "TokenResult",
    "TokenStatus",
    "assess_skew",
    "ensure_same_environment",
    "mask_api_key",
    "mask_authorization",
    "skew_warning",
]
