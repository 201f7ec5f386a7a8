"""The PDF's process (forked.Child): values sent ahead, a message told before the result, and a
failure on either side reported in our words, with no process left behind."""
from __future__ import annotations

import os

import pytest

from shangli_brief.errors import BuildError, InputError, Location

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="a forked process")


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_ahead_told_and_result_in_order():
    from shangli_brief.forked import Child, _reap_all
    seen = []

    def finish(value, tell):
        tell(("told", value, tuple(seen)))
        return value * 2, tuple(seen)

    child = Child(lambda: None, finish, ahead=seen.append)
    child.send_ahead("theme")
    child.send_ahead("faces")
    child.send(21)
    assert child.told() == ("told", 21, ("theme", "faces"))
    assert child.result() == (42, ("theme", "faces"))
    _reap_all()
    assert _gone(child.pid)


def test_a_failure_before_telling_is_the_result():
    from shangli_brief.forked import Child, _reap_all

    def finish(value, tell):
        raise InputError("no such face", Location("theme.yaml", 3), "fonts")

    child = Child(lambda: None, finish)
    child.send(None)
    assert child.told() is None
    with pytest.raises(InputError, match="no such face") as raised:
        child.result()
    assert raised.value.location == Location("theme.yaml", 3)
    _reap_all()


def test_a_child_killed_mid_way_is_a_build_error_and_a_result_need_not_be_told():
    from shangli_brief.forked import Child

    child = Child(lambda: None, lambda value, tell: os._exit(3))
    child.send(None)
    assert child.told() is None
    with pytest.raises(BuildError, match="ended without a result"):
        child.result()
    quiet = Child(lambda: None, lambda value, tell: value)
    quiet.send("pdf")
    assert quiet.result() == "pdf"  # told nothing: result() alone works


def test_cancelled_while_it_prepares_with_a_value_sent_ahead():
    """Ended before it has read what was sent ahead (a spec error found meanwhile): no hang, no
    process left."""
    from shangli_brief.forked import Child
    import time

    child = Child(lambda: time.sleep(30), lambda value, tell: value)
    child.send_ahead(b"x" * 10_000)
    child.cancel()
    assert _gone(child.pid)
