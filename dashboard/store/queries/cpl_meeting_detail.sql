-- One row per CPL meeting (school, team and date) of the school years asked for: its team type, minutes,
-- attendees and protocol, for the CPL page's months, protocols and calendar of one school year (summed in
-- dashboard/metrics/cpl.py). The school's name, network and level are joined by the caller (tables.read_named).
SELECT m.school_id, m.team, m.team_type, m.year_start, m.meeting_date, m.duration_minutes, m.attendees, m.protocol
FROM cpl_meeting m
WHERE (:all_schools = 1 OR m.school_id IN :school_ids)
  AND (:all_years = 1 OR m.year_start IN :years)
