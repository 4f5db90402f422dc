-- One row per school, team and month: the team's meetings, minutes and attendees in that calendar month (month as
-- YYYY-MM), with its school year and team type. Months with no meeting have no row.
SELECT m.school_id, s.school_name, s.network, s.level, m.team, MAX(m.team_type) AS team_type, m.year_start,
       SUBSTR(CAST(m.meeting_date AS VARCHAR(32)), 1, 7) AS month,
       COUNT(*) AS meetings, SUM(m.duration_minutes) AS minutes, SUM(m.attendees) AS attendees
FROM cpl_meeting m
JOIN school s ON s.school_id = m.school_id
WHERE (:all_schools = 1 OR m.school_id IN :school_ids)
  AND (:all_years = 1 OR m.year_start IN :years)
GROUP BY m.school_id, s.school_name, s.network, s.level, m.team, m.year_start,
         SUBSTR(CAST(m.meeting_date AS VARCHAR(32)), 1, 7)
