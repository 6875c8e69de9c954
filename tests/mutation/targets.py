"""What mutation testing covers: the modules where a wrong answer is silent, and their tests.

Each target names the tests that specify the module (mutmut runs only those against each
mutant) and the functions of the CI sample: the ones guarding secrets and the protocol, every
mutant of which must be killed (``python -m tests.mutation --sample``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One module under mutation.

    Attributes:
        path: the module's file, from the repository root.
        tests: the test files that specify it.
        sample: mutmut name globs of the functions in the CI sample.
    """

    path: str
    tests: tuple[str, ...]
    sample: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        """The dotted module name mutmut uses in mutant names."""
        return self.path.removesuffix(".py").replace("/", ".")


TARGETS: tuple[Target, ...] = (
    Target(
        "uid2_desk/journal/masking.py",
        ("tests/journal/test_masking_spec.py", "tests/journal/test_redaction.py"),
        ("x_is_secret_name*", "x_is_masked_credential*", "x_mask_credential*", "x_scrub_headers*"),
    ),
    Target(
        "uid2_desk/protocol/envelope.py",
        (
            "tests/protocol/test_envelope_vectors.py",
            "tests/protocol/test_envelope_java_base64.py",
            "tests/protocol/test_robustness.py",
        ),
        ("x_open_request*", "x_seal_response*", "x_timestamp_in_window*"),
    ),
    Target(
        "uid2_desk/protocol/normalize.py",
        ("tests/protocol/test_normalize.py", "tests/protocol/test_hash_as_typed.py"),
        ("x_normalize_hash*", "x_hash_identifier*"),
    ),
    Target(
        "uid2_desk/operator/issuer.py",
        (
            "tests/operator/test_issuer_spec.py",
            "tests/operator/test_error_matrix.py",
            "tests/operator/test_test_identities.py",
        ),
        ("xǁTokenIssuerǁvalidate*",),
    ),
    Target("uid2_desk/protocol/explain_rules.py", ("tests/protocol/test_explain.py",)),
    Target(
        "uid2_desk/publisher/checks/run.py",
        ("tests/publisher/test_integration_checks.py",),
    ),
)
