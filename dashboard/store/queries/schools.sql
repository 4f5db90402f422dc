-- One row per school in the caller's scope: id, name, level, network and enrollment.
SELECT s.school_id, s.school_name, s.level, s.network, s.enrollment
FROM school s
WHERE (:all_schools = 1 OR s.school_id IN :school_ids)
ORDER BY s.school_id
