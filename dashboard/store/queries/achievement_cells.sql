-- One row per school, subject, student group, grade and school year, as loaded: students tested, proficient and
-- the percent proficient (proficient over tested, or the file's own percent where it gave no count), with the
-- publisher's suppression marker; all_years/years narrow it to some school years.
SELECT a.school_id, s.school_name, s.network, s.level, a.subject, a.student_group, a.grade, a.year_start,
       a.n_tested, a.n_proficient,
       CASE WHEN a.n_proficient IS NOT NULL AND a.n_tested > 0 THEN 100.0 * a.n_proficient / a.n_tested
            ELSE a.pct_proficient END AS pct_proficient,
       a.publisher_marker
FROM achievement a
JOIN school s ON s.school_id = a.school_id
WHERE (:all_schools = 1 OR a.school_id IN :school_ids)
  AND (:all_years = 1 OR a.year_start IN :years)
