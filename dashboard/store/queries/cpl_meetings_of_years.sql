-- One row per CPL meeting (school, team and date) of the school years asked for (or of every year): the columns
-- the team-year summary is built from (dashboard/ingest/summaries.py). Read inside a load or undo transaction, for every
-- school: the district's school weeks of a year depend on every school's meetings.
SELECT m.school_id, m.team, m.team_type, m.year_start, m.week_start, m.meeting_date, m.duration_minutes,
       m.attendees, m.team_size
FROM cpl_meeting m
WHERE (:all_schools = 1 OR m.school_id IN :school_ids)
  AND (:all_years = 1 OR m.year_start IN :years)
