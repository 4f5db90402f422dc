"""The one place that owns settings: every setting has a default, a floor where privacy needs one, and a sentence
of help. Stored overrides live in the database table ``setting`` (admins may raise a privacy threshold, never lower
it below its floor). Nothing else in the product hard-codes these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from dashboard.store.schema import setting as setting_table


@dataclass(frozen=True)
class Setting:
    name: str
    default: float
    help: str
    floor: float | None = None  # a stored value may not go below this (privacy thresholds)
    ceiling: float | None = None  # a stored value may not go above this (rates that are privacy cut-offs)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "min_n_students",
            10,
            "A student group with fewer tested students than this is suppressed, in either year of a change "
            "(most states use 10).",
            floor=10,
        ),
        Setting(
            "min_n_staff",
            5,
            "A staff survey result from fewer respondents than this is suppressed, since staff at a small school "
            "can be recognised.",
            floor=5,
        ),
        Setting(
            "coding_max_n",
            40,
            "Below this many tested students, a rate near 0 or 100 percent is shown as a band (≤5% or ≥95%) and its "
            "change, gap and interval are withheld.",
            floor=40,
        ),
        Setting(
            "coding_edge_pct",
            5,
            "How close to 0 or 100 percent a small group's rate must be to be shown as a band (5 gives ≤5% and ≥95%).",
            floor=5,
        ),
        Setting(
            "low_response_pct",
            50,
            "A staff survey result whose response rate is below this percent is marked low response and left out of "
            "indices and rollups (5Essentials reports a school only when at least half its teachers respond).",
            floor=50,
        ),
        Setting(
            "readiness_min_eligible",
            5,
            "At a school with fewer eligible voters than this, a readiness vote is shown only as passed or not.",
            floor=5,
        ),
        Setting(
            "readiness_threshold_pct",
            80,
            "The readiness threshold used when a vote's file gives none: the share of votes cast that must say "
            "ready for the vote to pass.",
        ),
        Setting(
            "maintained_band_pp",
            2.0,
            "A change in proficiency smaller than this many percentage points, either way, is read as maintained "
            "rather than as a gain or a decline (a decline must also lie outside the group's 95% interval).",
        ),
        Setting(
            "attention_trust_index",
            50,
            "A school whose trust index (0-100) is below this is flagged for attention.",
        ),
        Setting(
            "attention_trust_drop",
            5,
            "A school whose trust index fell by at least this many points since the prior year is flagged.",
        ),
        Setting(
            "attention_cpl_consistency_pct",
            50,
            "A school whose teams met, on average, in fewer than this percent of school weeks is flagged.",
        ),
        Setting(
            "attention_groups_declined",
            2,
            "A school where at least this many student groups declined beyond the maintained band is flagged.",
        ),
        Setting(
            "goal_tolerance",
            1.0,
            "A board goal not yet met is on track while its latest value is within this much of the value expected on "
            "the straight path from baseline to target, in the measure's own units (points or percentage points).",
        ),
        Setting(
            "login_max_attempts",
            5,
            "Failed logins in a row that one client address may make before it must wait before each further try "
            "(30 seconds, then twice as long each time); past this many at one name, from anywhere, each try at that "
            "name is held up to 10 seconds. No account is ever locked (SECURITY.md, Logins). Counted in the "
            "database, so restarting the app or opening a new tab does not reset it.",
            floor=1,
            ceiling=20,
        ),
        Setting(
            "login_lockout_minutes",
            15,
            "The longest wait, in minutes, that a client address with too many failed logins must sit out before "
            "its next try is checked (the account it tried is not locked; its owner signs in from anywhere else).",
            floor=1,
        ),
        Setting(
            "session_hours",
            8,
            "How long, in hours, a login lasts (the re-login cookie and the browser session both end then, never "
            "later than 24 hours after the password was typed; a re-login from the cookie does not extend it); then "
            "the user logs in again.",
            floor=0.1,
            ceiling=24,
        ),
        Setting(
            "upload_max_mb",
            50,
            "The largest file, in megabytes, that the Data page accepts for upload (the command line's own bounds "
            "are the load_max settings).",
        ),
        Setting(
            "upload_max_unpacked_mb",
            200,
            "The most megabytes an uploaded file may hold once unpacked: a CSV's own size, an XLSX workbook's sheets "
            "and strings (an XLSX is a zip, and a few megabytes of it can unpack to gigabytes). A larger file is "
            "refused before it is read.",
            floor=1,
        ),
        Setting(
            "upload_max_rows",
            1_000_000,
            "The most data rows the Data page reads from one file; a longer file is refused as soon as its reading "
            "passes this many rows (load it with district-dashboard load, whose bound is load_max_rows).",
            floor=1,
        ),
        Setting(
            "upload_max_cells",
            25_000_000,
            "The most cells (rows times columns) the Data page reads from one file; a wider or longer file is "
            "refused as soon as its reading passes this many.",
            floor=1,
        ),
        Setting(
            "upload_read_memory_mb",
            2048,
            "The most memory, in megabytes, the separate process that reads an upload may use; a file that needs "
            "more is refused and the app's own process never grows with it.",
            floor=256,
        ),
        Setting(
            "upload_read_seconds",
            120,
            "The longest, in seconds, the reading of one upload may take before it is stopped and the file refused "
            "(other users' pages are served meanwhile: the file is read in a process of its own).",
            floor=5,
        ),
        Setting(
            "load_max_unpacked_mb",
            1024,
            "The command line's bound on a file's unpacked size in megabytes (district-dashboard load reads a state's "
            "files: a CSV's own size, an XLSX workbook's sheets and strings); a larger file is refused before it is "
            "read.",
            floor=1,
        ),
        Setting(
            "load_max_rows",
            5_000_000,
            "The command line's bound on the data rows of one file (2.5 million meetings, a state's year, load in "
            "about 12 seconds); a longer file is refused as soon as its reading passes this many rows.",
            floor=1,
        ),
        Setting(
            "load_max_cells",
            100_000_000,
            "The command line's bound on the cells (rows times columns) of one file; a larger file is refused as soon "
            "as its reading passes this many.",
            floor=1,
        ),
        Setting(
            "audit_log_days",
            730,
            "How many days the audit log keeps an entry (logins, loads, purges, downloads, account changes); older "
            "entries are deleted as new ones are written. Check the district's records-retention schedule.",
            floor=30,
        ),
    )
}


class SettingError(ValueError):
    """A stored setting was refused (unknown, or below its privacy floor)."""


def defaults() -> dict[str, float]:
    return {name: s.default for name, s in SETTINGS.items()}


def load(conn: sa.Connection) -> dict[str, float]:
    """Every setting's value in force: the stored override, else the default."""
    values = defaults()
    for name, value in conn.execute(sa.select(setting_table.c.name, setting_table.c.value)):
        if name in SETTINGS:
            values[name] = float(value)
    return values


def store(conn: sa.Connection, name: str, value: float) -> None:
    """Store an override, refusing one that would weaken a privacy threshold. Only the value: the stored summaries
    follow a changed setting through ``dashboard.services.settings.change_setting``, which calls this."""
    spec = SETTINGS.get(name)
    if spec is None:
        raise SettingError(f"unknown setting {name!r}; known: {', '.join(sorted(SETTINGS))}")
    if spec.floor is not None and value < spec.floor:
        raise SettingError(f"{name} may be raised but never set below {spec.floor:g} (asked for {value:g})")
    conn.execute(sa.delete(setting_table).where(setting_table.c.name == name))
    conn.execute(sa.insert(setting_table).values(name=name, value=float(value)))
