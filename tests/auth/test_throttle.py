"""Login throttling (dashboard.auth.throttle): a client waits after its free failures, a name is slowed and never
locked, unknown names are counted like known ones, successes do not wipe a client's count, and counts are forgotten
after a quiet hour. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from dashboard.auth import accounts, throttle
from dashboard.store import settings

VALUES = {**settings.defaults(), "login_max_attempts": 5, "login_lockout_minutes": 15}


class Clock:
    def __init__(self, monkeypatch):
        self.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
        monkeypatch.setattr(throttle, "utcnow", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def test_client_keys():
    assert throttle.client_key(None) == throttle.LOCAL
    assert throttle.client_key("") == throttle.LOCAL
    assert throttle.client_key("192.0.2.7") == "192.0.2.7"
    assert throttle.client_key("::ffff:192.0.2.7") == "192.0.2.7"
    # one machine can hold a whole IPv6 /64: its addresses share one count
    assert throttle.client_key("2001:db8:1:2::1") == throttle.client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert throttle.client_key("2001:db8:1:3::1") != throttle.client_key("2001:db8:1:2::1")


def test_the_schedules():
    assert [throttle.client_wait(n, 5, 900) for n in range(1, 11)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900]
    assert [throttle.account_delay(n, 5) for n in range(10)] == [0, 0, 0, 0, 0, 1, 2, 4, 8, 10]
    assert throttle.account_delay(500, 5) == throttle.ACCOUNT_DELAY_MAX


def fail(engine, address: str, name: str) -> throttle.Verdict:
    """One login attempt whose password turns out wrong (when it is checked at all)."""
    verdict = throttle.begin(engine, address, name, VALUES)
    if not verdict.refused:
        throttle.finish(engine, address, name, False, VALUES)
    return verdict


def succeed(engine, address: str, name: str) -> throttle.Verdict:
    verdict = throttle.begin(engine, address, name, VALUES)
    if not verdict.refused:
        throttle.finish(engine, address, name, True, VALUES)
    return verdict


def test_a_client_waits_after_its_free_failures_and_others_do_not(engine, monkeypatch):
    clock = Clock(monkeypatch)
    for _ in range(5):
        assert not fail(engine, "192.0.2.1", "supt").refused
        clock.advance(2)
    verdict = fail(engine, "192.0.2.1", "supt")  # the sixth, 2 s after the fifth failure: 28 s to wait
    assert verdict.refused and verdict.wait == pytest.approx(28)
    for _ in range(10):  # refused attempts do not count: the wait does not grow while the client is refused
        fail(engine, "192.0.2.1", "supt")
    assert succeed(engine, "192.0.2.1", "supt").wait == pytest.approx(28)  # the right password waits too
    # another address is not held back, not even at the same name (which is only slowed)
    other = fail(engine, "198.51.100.2", "supt")
    assert not other.refused and other.delay == 1
    clock.advance(28)
    assert not fail(engine, "192.0.2.1", "someone-else").refused  # the sixth failure: then 60 s
    clock.advance(59)
    assert fail(engine, "192.0.2.1", "supt").wait == pytest.approx(1)


def test_the_longest_wait_is_the_setting(engine, monkeypatch):
    clock = Clock(monkeypatch)
    for _ in range(30):
        verdict = fail(engine, "192.0.2.1", "x")
        if verdict.refused:
            clock.advance(verdict.wait)
            verdict = fail(engine, "192.0.2.1", "x")
        assert not verdict.refused
    assert fail(engine, "192.0.2.1", "x").wait == pytest.approx(15 * 60)


def test_a_name_is_slowed_never_refused_and_unknown_names_alike(engine, monkeypatch):
    Clock(monkeypatch)
    accounts.add(engine, "supt", "superintendent", "a long password")
    known = [fail(engine, f"10.0.0.{i}", "supt") for i in range(40)]
    unknown = [fail(engine, f"10.0.1.{i}", "no-such-name") for i in range(40)]
    assert not any(v.refused for v in known + unknown)
    assert [v.delay for v in known] == [v.delay for v in unknown]
    assert max(v.delay for v in known) == throttle.ACCOUNT_DELAY_MAX
    assert succeed(engine, "198.51.100.1", "supt").delay == throttle.ACCOUNT_DELAY_MAX  # the owner: held, let in
    assert succeed(engine, "198.51.100.1", "supt").delay == 0  # and the name's count ended with that success
    with engine.connect() as conn:  # the account itself is untouched: it can always sign in
        assert accounts.active(conn, "supt") is not None


def test_a_success_does_not_wipe_the_client_s_failures(engine, monkeypatch):
    Clock(monkeypatch)
    for _ in range(4):
        fail(engine, "192.0.2.1", "victim")
    succeed(engine, "192.0.2.1", "mine")  # the attacker signs in to an account of their own ...
    assert not fail(engine, "192.0.2.1", "victim").refused  # ... and the fifth failure still counts
    assert fail(engine, "192.0.2.1", "victim").refused


def test_counts_are_forgotten_after_a_quiet_hour(engine, monkeypatch):
    clock = Clock(monkeypatch)
    for _ in range(5):
        fail(engine, "192.0.2.1", "supt")
    with engine.connect() as conn:
        assert {(r["scope"], r["key"]) for r in throttle.in_force(conn)} == {
            ("client", "192.0.2.1"),
            ("account", "supt"),
        }
    clock.advance(throttle.FORGET.total_seconds() + 1)
    with engine.connect() as conn:
        assert throttle.in_force(conn) == []
    verdict = fail(engine, "192.0.2.1", "supt")
    assert not verdict.refused and verdict.delay == 0


def _burst(engine, outcome: bool, n: int = 12) -> list[throttle.Verdict]:
    """``n`` attempts from one address at once, each check taking a moment, all with the ``outcome``."""
    verdicts: list[throttle.Verdict] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        verdict = throttle.begin(engine, "192.0.2.50", f"user{i}" if outcome else "supt", VALUES)
        if not verdict.refused:
            time.sleep(0.3)  # the bcrypt check
            throttle.finish(engine, "192.0.2.50", f"user{i}" if outcome else "supt", outcome, VALUES)
        with lock:
            verdicts.append(verdict)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(verdicts) == n
    return verdicts


def test_a_burst_of_guesses_from_one_address_gets_no_more_checks_than_a_sequence(engine):
    verdicts = _burst(engine, outcome=False)
    assert sum(not v.refused for v in verdicts) == 5  # the free failures, then the wait refuses the rest


def test_staff_signing_in_together_behind_one_address_all_get_in(engine):
    verdicts = _burst(engine, outcome=True)  # a school's staff at 8:00, all behind the school's one address
    assert not any(v.refused for v in verdicts)


def test_an_attempt_whose_turn_does_not_come_is_refused_as_busy(engine, monkeypatch):
    monkeypatch.setattr(throttle, "TURN_WAIT", 0.5)
    for i in range(4):
        fail(engine, "192.0.2.70", f"n{i}")
    assert not throttle.begin(engine, "192.0.2.70", "a", VALUES).refused  # the last free check, still running ...
    verdict = throttle.begin(engine, "192.0.2.70", "b", VALUES)  # ... so the next one waits for its turn, in vain
    assert verdict.refused and verdict.busy
