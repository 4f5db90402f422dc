-- One row per school and meeting date: the number of team meetings held that day and their minutes, with the
-- school year (for a calendar of meetings).
SELECT m.school_id, s.school_name, s.network, s.level, m.year_start, m.meeting_date,
       COUNT(*) AS meetings, SUM(m.duration_minutes) AS minutes
FROM cpl_meeting m
JOIN school s ON s.school_id = m.school_id
WHERE (:all_schools = 1 OR m.school_id IN :school_ids)
  AND (:all_years = 1 OR m.year_start IN :years)
GROUP BY m.school_id, s.school_name, s.network, s.level, m.year_start, m.meeting_date
