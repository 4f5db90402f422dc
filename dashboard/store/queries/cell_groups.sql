-- One row per school, subject and student group with a result (the grades combined, in any year): the subjects
-- and groups a goal or a filter may offer, without reading the results themselves.
SELECT DISTINCT a.school_id, a.subject, a.student_group
FROM achievement_school_year a
WHERE (:all_schools = 1 OR a.school_id IN :school_ids)
