-- One row per school, team and school year: meetings, minutes, attendance, the weeks with a meeting against the
-- district's school weeks (Monday-based weeks of that school year in which any team of the district met), the
-- months in which any team met, and the longest run of school weeks without a meeting (leading and trailing runs
-- count). Read from cpl_team_year_summary, which every load and undo refreshes in its own transaction from the
-- meeting rows (dashboard/ingest/summaries.py holds the aggregation); scope limits the teams, never the district's
-- school weeks. The school's name, network and level are joined by the caller (tables.read_named);
-- all_years/years narrow it to some school years.
SELECT t.school_id, t.team, t.team_type, t.year_start, t.meetings, t.minutes,
       t.school_months, t.attendees_with_size, t.seats, t.weeks_with_meeting, t.school_weeks, t.longest_gap_weeks
FROM cpl_team_year_summary t
WHERE (:all_schools = 1 OR t.school_id IN :school_ids)
  AND (:all_years = 1 OR t.year_start IN :years)
