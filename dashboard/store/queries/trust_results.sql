-- One row per school, school year, survey wave, respondent group and trust facet: mean score on its scale,
-- percent favourable, respondents and response rate, with the publisher's suppression marker. The school's
-- name, network and level are joined by the caller (tables.read_named): fewer strings cross from the driver.
SELECT t.school_id, t.year_start, t.wave, t.respondent_group, t.facet,
       t.mean_score, t.scale_max, t.pct_favorable, t.n_respondents, t.response_rate, t.publisher_marker
FROM trust_score t
WHERE (:all_schools = 1 OR t.school_id IN :school_ids)
