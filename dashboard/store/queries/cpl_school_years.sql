-- One row per school and school year with CPL team records (the CPL page's filter choices, read without the
-- figures). The school's name, network and level are joined by the caller (tables.read_named).
SELECT DISTINCT t.school_id, t.year_start
FROM cpl_team_year_summary t
WHERE (:all_schools = 1 OR t.school_id IN :school_ids)
