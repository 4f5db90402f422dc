-- One row per school, school year, survey wave, respondent group and trust facet: mean score on its scale,
-- percent favourable, respondents and response rate, with the publisher's suppression marker.
SELECT t.school_id, s.school_name, s.network, s.level, t.year_start, t.wave, t.respondent_group, t.facet,
       t.mean_score, t.scale_max, t.pct_favorable, t.n_respondents, t.response_rate, t.publisher_marker
FROM trust_score t
JOIN school s ON s.school_id = t.school_id
WHERE (:all_schools = 1 OR t.school_id IN :school_ids)
