"""Connector libraries never import the orchestration code."""

import ast
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "sources"


def test_sources_do_not_import_pipelines():
    offenders = []
    for path in SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path}: {n}" for n in names if n.split(".")[0] in {"pipelines", "dagster"}
            ]
    assert offenders == []
