-- One row per withheld school cell (school, subject, student group, grade and school year; grade 'All' is grades
-- combined) under the stored settings, with its reason: the district's one pattern (core.disclosure), stored at
-- load; all_years/years narrow it to some school years.
SELECT w.school_id, w.subject, w.student_group, w.grade, w.year_start, w.reason
FROM achievement_withheld w
WHERE (:all_schools = 1 OR w.school_id IN :school_ids)
  AND (:all_years = 1 OR w.year_start IN :years)
