"""The CI rules of tests/conftest.py, checked on inner pytest sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.read_text())
    return pytester


def _run(inner: pytest.Pytester, monkeypatch, ci: bool):
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return inner.runpytest_subprocess("-p", "no:cacheprovider")


SKIPPING = """
import pytest

def test_runs():
    assert True

def test_skips():
    pytest.skip("no browser here")
"""


def test_skip_fails_the_session_in_ci(inner, monkeypatch) -> None:
    inner.makepyfile(SKIPPING)
    result = _run(inner, monkeypatch, ci=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*1 test(s) skipped, which fails the CI run*test_skips*"])


def test_skip_is_only_reported_outside_ci(inner, monkeypatch) -> None:
    inner.makepyfile(SKIPPING)
    result = _run(inner, monkeypatch, ci=False)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1)


def test_no_tests_fails_in_ci(inner, monkeypatch) -> None:
    inner.makepyfile("X = 1\n")
    assert _run(inner, monkeypatch, ci=True).ret == pytest.ExitCode.TESTS_FAILED
    assert _run(inner, monkeypatch, ci=False).ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_database_tests_are_marked_neo4j(inner, monkeypatch) -> None:
    inner.makepyfile("""
def test_db(neo4j_db):
    pass

def test_plain():
    pass
""")
    monkeypatch.delenv("CI", raising=False)
    result = inner.runpytest_subprocess("-p", "no:cacheprovider", "-m", "not neo4j",
                                        "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*test_plain*"])
    assert "test_db" not in result.stdout.str()
