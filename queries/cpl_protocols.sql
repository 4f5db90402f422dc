-- One row per school, protocol and school year: meetings held with that protocol and their minutes (protocol
-- blank where the meeting record named none).
SELECT m.school_id, s.school_name, s.network, s.level, m.year_start, m.protocol,
       COUNT(*) AS meetings, SUM(m.duration_minutes) AS minutes
FROM cpl_meeting m
JOIN school s ON s.school_id = m.school_id
WHERE (:all_schools = 1 OR m.school_id IN :school_ids)
  AND (:all_years = 1 OR m.year_start IN :years)
GROUP BY m.school_id, s.school_name, s.network, s.level, m.year_start, m.protocol
