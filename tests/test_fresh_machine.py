"""The README's two commands on a fresh machine: the system libraries WeasyPrint needs are checked
(and installed as root) by a make prerequisite, and the demo logins the README lists are the ones
`portal demo` prints."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portal.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "system-libs"
EVERY_LIBRARY = {
    "libgobject-2.0.so.0": "libglib2.0-0", "libpango-1.0.so.0": "libpango-1.0-0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0", "libharfbuzz.so.0": "libharfbuzz0b",
    "libharfbuzz-subset.so.0": "libharfbuzz-subset0", "libfontconfig.so.1": "libfontconfig1"}


class FakeMachine:
    """`ldconfig`, `id` and `apt-get` stand-ins on PATH: the script runs for real against
    them, and nothing is installed or removed on this machine."""

    def __init__(self, tmp_path: Path, *, present: set[str], uid: int,
                 apt_provides: bool = True):
        self.bin, self.state = tmp_path / "bin", tmp_path / "state"
        self.bin.mkdir()
        self.state.mkdir()
        (self.state / "present").write_text("".join(f"{so}\n" for so in sorted(present)))
        self.apt_log = self.state / "apt.log"
        sonames = {package: so for so, package in EVERY_LIBRARY.items()}
        self._tool("ldconfig", f"""
echo "{len(present)} libs found in cache"
while read -r so; do printf '\\t%s (libc6,x86-64) => /lib/%s\\n' "$so" "$so"; done \\
    < {self.state}/present""")
        self._tool("id", f'[ "$1" = -u ] && echo {uid}')
        install = "".join(f'    {package}) echo {so} >> {self.state}/present ;;\n'
                          for package, so in sonames.items())
        self._tool("apt-get", f"""
echo "DEBIAN_FRONTEND=${{DEBIAN_FRONTEND:-}} $*" >> {self.apt_log}
[ "$1" = install ] || exit 0
{'' if apt_provides else 'exit 0'}
for word in "$@"; do
  case "$word" in
{install}  esac
done""")

    def _tool(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text("#!/bin/sh\n" + body.strip() + "\n")
        path.chmod(0o755)

    def run(self) -> subprocess.CompletedProcess:
        env = {**os.environ, "PATH": f"{self.bin}:{os.environ['PATH']}"}
        return subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True,
                              timeout=30)

    @property
    def apt_calls(self) -> list[str]:
        return self.apt_log.read_text().splitlines() if self.apt_log.exists() else []


def test_nothing_to_do_when_every_library_is_there(tmp_path):
    machine = FakeMachine(tmp_path, present=set(EVERY_LIBRARY), uid=1000)
    result = machine.run()
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert machine.apt_calls == []


def test_without_root_one_french_line_names_the_command(tmp_path):
    machine = FakeMachine(tmp_path, present=set(EVERY_LIBRARY) - {"libharfbuzz-subset.so.0"},
                          uid=1000)
    result = machine.run()
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Bibliothèques système de WeasyPrint manquantes : lancez « sudo apt-get install -y "
        "libharfbuzz-subset0 » puis relancez make."]
    assert machine.apt_calls == []


def test_as_root_apt_installs_what_is_missing(tmp_path):
    machine = FakeMachine(tmp_path, present={"libgobject-2.0.so.0", "libpango-1.0.so.0",
                                             "libpangoft2-1.0.so.0", "libfontconfig.so.1"},
                          uid=0)
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls == [
        "DEBIAN_FRONTEND=noninteractive update -qq",
        "DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends "
        "libharfbuzz0b libharfbuzz-subset0"]
    # Checked again afterwards: a second run has nothing to do.
    assert machine.run().returncode == 0 and len(machine.apt_calls) == 2


def test_as_root_a_library_apt_did_not_bring_stops_make(tmp_path):
    machine = FakeMachine(tmp_path, present=set(EVERY_LIBRARY) - {"libharfbuzz-subset.so.0"},
                          uid=0, apt_provides=False)
    result = machine.run()
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Bibliothèques système de WeasyPrint toujours absentes après apt-get : "
        "libharfbuzz-subset0."]


def test_this_machine_has_the_libraries():
    """What `make test` checked before running this suite."""
    result = subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stderr) == (0, "")


def test_the_make_targets_and_ci_rely_on_the_prerequisite():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "fuzz", "bench", "e2e"):
        prerequisites = re.search(rf"^{target}:(.*)$", makefile, re.MULTILINE).group(1)
        assert "system-libs" in prerequisites.split(), target
    assert re.search(r"^system-libs:\n\t@sh tools/system-libs$", makefile, re.MULTILINE)
    assert "chromium" in re.search(r"^e2e:(.*)$", makefile, re.MULTILINE).group(1).split()
    assert re.search(r"^chromium:\n\t@sh tools/chromium$", makefile, re.MULTILINE)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get" not in ci and "make test" in ci and "make e2e" in ci


def _readme_logins() -> list[tuple[str, str, str]]:
    section = (ROOT / "README.md").read_text().split("## Comptes de démonstration", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$", section, re.MULTILINE)
    return [(email, role.strip(), organisation.strip()) for email, role, organisation in rows]


@pytest.mark.usefixtures("db")
def test_the_readme_lists_the_logins_portal_demo_prints():
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.split("Comptes de démonstration :\n", 1)[1].splitlines()
    printed = [" ".join(line.split()) for line in lines if line.startswith("  ")]
    readme = _readme_logins()
    assert len(readme) == 9
    assert sorted(printed) == sorted(" ".join(row) for row in readme)
