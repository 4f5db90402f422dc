-- One row per school (every school, with or without results): its latest trust index and change, CPL consistency
-- and minutes, readiness vote, All Students proficiency and change, student groups that declined and the reasons it
-- needs attention, as stored by the last load, undo or change of a setting (the school_summary summary).
SELECT s.school_id, s.school_name, s.network, s.level, m.school_year, m.trust_index, m.trust_index_change,
       m.cpl_consistency_pct, m.cpl_minutes_per_month, m.readiness_pct_ready,
       CASE WHEN m.readiness_passed IS NULL THEN NULL WHEN m.readiness_passed THEN 1 ELSE 0 END AS readiness_passed,
       m.all_students_pct_proficient, m.all_students_change_pp, COALESCE(m.groups_declined, 0) AS groups_declined,
       m.attention
FROM school s
LEFT JOIN school_summary m ON m.school_id = s.school_id
WHERE (:all_schools = 1 OR s.school_id IN :school_ids)
