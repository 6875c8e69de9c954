"""One name, one meaning: the operator's credentials bundle is not another ``Credentials``, its
stored opt-out not another ``OptOutRecord``."""

from __future__ import annotations

import ast
from pathlib import Path

import uid2_desk
import uid2_desk.operator
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.results import OptOutRecord


def _classes_named(name: str) -> list[str]:
    root = Path(uid2_desk.__file__).parent
    return [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == name
    ]


def test_only_the_client_defines_a_class_called_credentials() -> None:
    assert _classes_named("Credentials") == ["client/credentials.py"]


def test_the_operator_package_exports_its_bundle_as_issued_credentials() -> None:
    assert "Credentials" not in uid2_desk.operator.__all__
    assert "IssuedCredentials" in uid2_desk.operator.__all__
    assert uid2_desk.operator.IssuedCredentials is not Credentials


def test_only_the_client_defines_a_class_called_opt_out_record() -> None:
    assert _classes_named("OptOutRecord") == ["client/results.py"]


def test_the_operator_package_exports_its_stored_opt_out_under_its_own_name() -> None:
    assert "OptOutRecord" not in uid2_desk.operator.__all__
    assert "StoredOptOut" in uid2_desk.operator.__all__
    assert uid2_desk.operator.StoredOptOut is not OptOutRecord
