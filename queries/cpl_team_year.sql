-- One row per school, team and school year: meetings, minutes, attendance, the weeks with a meeting against the
-- district's school weeks (Monday-based weeks of that school year in which any team of the district met), the
-- months in which any team met, and the longest run of school weeks without a meeting (leading and trailing runs
-- count). Aggregated in the database; scope limits the teams, never the district's school weeks.
WITH district_weeks AS (
    SELECT year_start, week_start,
           DENSE_RANK() OVER (PARTITION BY year_start ORDER BY week_start) AS week_no
    FROM (SELECT DISTINCT year_start, week_start FROM cpl_meeting) w
),
year_weeks AS (
    SELECT year_start, COUNT(*) AS school_weeks FROM district_weeks GROUP BY year_start
),
year_months AS (
    SELECT year_start, COUNT(DISTINCT month_key) AS school_months
    FROM (SELECT year_start, SUBSTR(CAST(meeting_date AS VARCHAR(32)), 1, 7) AS month_key
          FROM cpl_meeting) m
    GROUP BY year_start
),
scoped AS (
    SELECT m.* FROM cpl_meeting m WHERE (:all_schools = 1 OR m.school_id IN :school_ids)
),
team_weeks AS (
    SELECT DISTINCT t.school_id, t.team, t.year_start, w.week_no
    FROM scoped t JOIN district_weeks w ON w.year_start = t.year_start AND w.week_start = t.week_start
),
team_gaps AS (
    SELECT school_id, team, year_start, week_no,
           week_no - COALESCE(LAG(week_no) OVER (PARTITION BY school_id, team, year_start ORDER BY week_no), 0) - 1
             AS gap_before
    FROM team_weeks
),
team_gap_summary AS (
    SELECT school_id, team, year_start, COUNT(*) AS weeks_with_meeting, MAX(gap_before) AS longest_inner_gap,
           MAX(week_no) AS last_week_no
    FROM team_gaps GROUP BY school_id, team, year_start
),
team_totals AS (
    SELECT school_id, team, year_start, MAX(team_type) AS team_type, COUNT(*) AS meetings,
           SUM(duration_minutes) AS minutes, SUM(attendees) AS attendees,
           SUM(CASE WHEN team_size IS NOT NULL THEN attendees END) AS attendees_with_size,
           SUM(team_size) AS seats
    FROM scoped GROUP BY school_id, team, year_start
)
SELECT t.school_id, s.school_name, s.network, s.level, t.team, t.team_type, t.year_start, t.meetings, t.minutes,
       ym.school_months, t.attendees_with_size, t.seats, g.weeks_with_meeting, yw.school_weeks,
       CASE WHEN g.longest_inner_gap > yw.school_weeks - g.last_week_no THEN g.longest_inner_gap
            ELSE yw.school_weeks - g.last_week_no END AS longest_gap_weeks
FROM team_totals t
JOIN school s ON s.school_id = t.school_id
JOIN team_gap_summary g ON g.school_id = t.school_id AND g.team = t.team AND g.year_start = t.year_start
JOIN year_weeks yw ON yw.year_start = t.year_start
JOIN year_months ym ON ym.year_start = t.year_start
