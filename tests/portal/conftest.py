"""Fixtures shared by the kernel's tests."""

import sys

import pytest

from portal.cli import main


@pytest.fixture
def portal_command(monkeypatch, capsys):
    """Runs the console script's entry point (portal.cli:main): (exit code, stdout, stderr)."""
    def call(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["portal", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        out, err = capsys.readouterr()
        return exit_.value.code, out, err
    return call
