-- One row per school and readiness vote: votes ready, not yet and abstaining, eligible voters and the threshold.
SELECT r.school_id, s.school_name, s.network, s.level, r.vote_date, r.year_start, r.question,
       r.votes_ready, r.votes_not_yet, r.votes_abstain, r.eligible_voters, r.threshold_pct
FROM readiness_vote r
JOIN school s ON s.school_id = r.school_id
WHERE (:all_schools = 1 OR r.school_id IN :school_ids)
