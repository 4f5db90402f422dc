-- One row per school, subject, student group and school year, grades combined and screened under the stored
-- settings (the achievement_school_year summary): students tested and proficient, the percent proficient, whether
-- the cell is withheld and why. Grade reads 'All'; all_groups/groups and all_subjects/subjects narrow it to some
-- student groups or subjects. The school's name, network and level are joined by the caller (tables.read_named).
SELECT a.school_id, a.subject, a.student_group, 'All' AS grade, a.year_start,
       a.n_tested, a.n_proficient, a.pct_proficient,
       CASE WHEN a.withheld THEN 1 ELSE 0 END AS withheld, a.reason
FROM achievement_school_year a
WHERE (:all_schools = 1 OR a.school_id IN :school_ids)
  AND (:all_groups = 1 OR a.student_group IN :groups)
  AND (:all_subjects = 1 OR a.subject IN :subjects)
