"""What mutation testing covers: the modules where a wrong answer is silent, and their tests.

Each target names the tests that specify the module: mutmut runs only those (and, per mutant,
only the ones that reach the mutated function). The CI sample (``--sample``) takes a fixed,
seeded handful of mutants from every target (:mod:`tests.mutation.sample`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One module under mutation.

    Attributes:
        path: the module's file, from the repository root.
        tests: the test files that specify it.
    """

    path: str
    tests: tuple[str, ...]

    @property
    def module(self) -> str:
        """The dotted module name mutmut uses in mutant names."""
        return self.path.removesuffix(".py").replace("/", ".")


_MASKING = (
    "tests/journal/test_masking_spec.py",
    "tests/journal/test_redaction.py",
    "tests/journal/test_redaction_spec.py",
)
_ENVELOPE = (
    "tests/protocol/test_envelope_vectors.py",
    "tests/protocol/test_envelope_java_base64.py",
    "tests/protocol/test_robustness.py",
    "tests/operator/test_envelope_prologue.py",
    "tests/protocol/test_envelope_spec.py",
    # The timestamp window and refresh replies are exercised through the operator and clients.
    "tests/operator/test_error_matrix.py",
    "tests/protocol/test_round_trips.py",
    "tests/operator/fidelity/test_refresh_and_logout.py",
)
_TOKENS = (
    "tests/protocol/test_advertising_tokens.py",
    "tests/protocol/test_refresh_tokens.py",
    "tests/protocol/test_refresh_token_edges.py",
    "tests/protocol/test_round_trips.py",
    "tests/protocol/test_sdk_interop.py",
    "tests/protocol/test_robustness.py",
    "tests/protocol/test_token_codec_spec.py",
    "tests/protocol/test_token_wire_spec.py",
    "tests/protocol/test_tokens_v2_spec.py",
    "tests/protocol/test_advertising_refusals_spec.py",
    "tests/protocol/test_token_header_refusals_spec.py",
)
_ISSUER = (
    "tests/operator/test_issuer_spec.py",
    "tests/operator/test_error_matrix.py",
    "tests/operator/test_test_identities.py",
    "tests/operator/test_issuer_identity_spec.py",
)
_AUTH = (
    "tests/operator/test_auth_spec.py",
    "tests/operator/test_error_matrix.py",
    "tests/operator/test_java_base64_bodies.py",
    "tests/operator/fidelity/test_envelope_and_cors.py",
    "tests/operator/test_issuer_spec.py",
    "tests/operator/test_wire_replies_spec.py",
    "tests/operator/test_prologue_capture_spec.py",
)
_CHECKS = (
    "tests/publisher/test_integration_checks.py",
    "tests/publisher/test_integration_checks_edges.py",
)

TARGETS: tuple[Target, ...] = (
    # Masking and redaction: what keeps secrets and DII out of exports and screenshots.
    Target("uid2_desk/journal/masking.py", _MASKING),
    Target(
        "uid2_desk/journal/redaction.py",
        (*_MASKING, "tests/journal/test_export_jsonl.py", "tests/journal/test_export_markdown.py"),
    ),
    Target(
        "uid2_desk/protocol/capture_masking.py",
        (
            "tests/operator/test_capture.py",
            "tests/operator/test_auth_spec.py",
            "tests/protocol/test_capture_masking_spec.py",
        ),
    ),
    # The envelope and the token codec: bytes on the wire.
    Target("uid2_desk/protocol/envelope.py", _ENVELOPE),
    Target("uid2_desk/protocol/tokens_advertising.py", _TOKENS),
    Target("uid2_desk/protocol/tokens_refresh.py", _TOKENS),
    Target("uid2_desk/protocol/tokens_wire.py", _TOKENS),
    Target("uid2_desk/protocol/tokens_header.py", _TOKENS),
    Target("uid2_desk/protocol/tokens_v2.py", _TOKENS),
    Target(
        "uid2_desk/protocol/normalize.py",
        ("tests/protocol/test_normalize.py", "tests/protocol/test_hash_as_typed.py"),
    ),
    # The operator's issuer and its authentication of callers.
    Target("uid2_desk/operator/issuer.py", _ISSUER),
    Target("uid2_desk/operator/core.py", _AUTH),
    Target("uid2_desk/operator/http/wire.py", _AUTH),
    # Identity phases and refresh policies: when the publisher acts.
    Target("uid2_desk/protocol/identity.py", ("tests/protocol/test_identity.py",)),
    Target(
        "uid2_desk/publisher/refresh/policy.py",
        ("tests/publisher/test_policy.py", "tests/publisher/test_policies.py"),
    ),
    # Capture explanations and integration checks: what the desk tells a QA engineer.
    Target("uid2_desk/protocol/explain.py", ("tests/protocol/test_explain.py",)),
    Target("uid2_desk/protocol/explain_rules.py", ("tests/protocol/test_explain.py",)),
    Target("uid2_desk/publisher/checks/run.py", _CHECKS),
    Target(
        "uid2_desk/publisher/checks/chains.py",
        (*_CHECKS, "tests/publisher/test_check_chains.py"),
    ),
    # What the proxy forwards of a head: which lines pass as they came, which are cut.
    Target("uid2_desk/proxy/head.py", ("tests/proxy/test_head.py",)),
)
