"""`make lint`'s mypy baseline only shrinks: a new error fails, and so does a fixed one still
listed (until it is pruned); the keys carry no line numbers."""

import importlib.util
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("mypy_baseline", ROOT / "tools" / "mypy_baseline.py")
mypy_baseline = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mypy_baseline)

OUTPUT = """\
portal/a.py:12: error: Item "None" of "X | None" has no attribute "y"  [union-attr]
portal/a.py:40: error: Item "None" of "X | None" has no attribute "y"  [union-attr]
portal/a.py:41: note: See https://mypy.rtfd.io
supplier/b.py:3: error: Incompatible return value type (got "int", expected "str")  [return-value]
Found 3 errors in 2 files (checked 2 source files)
"""
Y = 'portal/a.py: Item "None" of "X | None" has no attribute "y"  [union-attr]'
RETURN = 'supplier/b.py: Incompatible return value type (got "int", expected "str")  [return-value]'


def test_the_errors_of_the_baseline_pass_wherever_they_moved():
    assert mypy_baseline.compare(OUTPUT, [Y, Y, RETURN]) == ([], [])
    assert mypy_baseline.compare(OUTPUT.replace(":12:", ":99:"), [Y, Y, RETURN]) == ([], [])


def test_a_new_error_fails_even_a_second_one_of_a_known_kind():
    new, stale = mypy_baseline.compare(OUTPUT, [Y, RETURN])
    assert new == ['portal/a.py:40: error: Item "None" of "X | None" has no attribute "y"  '
                   '[union-attr]'] and stale == []


def test_a_fixed_error_still_listed_fails_until_pruned():
    new, stale = mypy_baseline.compare(OUTPUT, [Y, Y, Y, RETURN])
    assert (new, stale) == ([], [Y])


def test_the_baseline_has_no_line_numbers_and_no_duplicate_spelling():
    lines = mypy_baseline.read_baseline()
    assert lines == sorted(lines)
    assert not [line for line in lines if mypy_baseline.ERROR.match(line)]
    assert all(": " in line and line.split(": ", 1)[0].endswith(".py") for line in lines)
    assert sum(Counter(lines).values()) == len(lines)
