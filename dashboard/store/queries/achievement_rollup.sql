-- One row per district or network figure (rollup 'district' with network '', or 'network'), subject, student
-- group and school year, grades combined, under the stored settings: the schools, students tested and proficient,
-- the basis ('every school' or 'published school figures') and, where withheld, why (core.disclosure, stored at
-- load). District-wide: only a read for every school (all_schools = 1) returns rows.
SELECT r.rollup, r.network, r.subject, r.student_group, r.year_start, r.schools, r.n_tested, r.n_proficient,
       r.basis, r.reason
FROM achievement_rollup r
WHERE :all_schools = 1
  AND (:all_years = 1 OR r.year_start IN :years)
