-- Issue 16: each cooperative's coverage on its own row (services/org/coverage.py), kept by
-- org's projections, so a list page is one SELECT instead of a walk of the tree per page:
-- covering_units: the active units covering it, by id, each {id, kind, league_members}
--   (active League members of a League organization and the two levels below it; null for
--   other kinds);
-- covering_league_members: the largest of those counts (NULL: no League organization).
-- Counts, not "constituted": the floor is policy, applied when reading.
ALTER TABLE cooperatives ADD COLUMN covering_units jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE cooperatives ADD COLUMN covering_league_members integer;

-- The one definition of "covering": recompute the rows of `coop_ids` (the projections call
-- it for the cooperatives an event can change, this migration for all). A function so that
-- its plan is kept per connection (planning the statement cost more than running it); a
-- change of the rule is a new migration replacing it and calling it for every cooperative.
-- cov: the active units covering a target; counts: the active League members of each League
-- organization among them and the two levels below it (a general branch's branches and
-- their League groups: the deepest a League organization goes), in one join; a row equal to
-- its recomputation is not rewritten. Tables by the caller's search_path (a rebuild's).
CREATE FUNCTION refresh_coverage(coop_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH target(id) AS (SELECT DISTINCT unnest(coop_ids)),
    cov AS (SELECT c.coop_id, u.id, u.kind FROM units u,
        jsonb_array_elements_text(u.cooperative_ids) AS c(coop_id)
        WHERE u.status = 'active' AND u.cooperative_ids ?| coop_ids
        AND c.coop_id = ANY(coop_ids)),
    tops AS (SELECT DISTINCT id FROM cov
        WHERE kind = ANY(ARRAY['branch', 'general_branch', 'joint_branch'])),
    tree AS (SELECT t.id AS top, t.id AS unit_id FROM tops t
        UNION ALL SELECT t.id, s.id FROM tops t JOIN units s ON s.parent_id = t.id
        UNION ALL SELECT t.id, g.id FROM tops t JOIN units s ON s.parent_id = t.id
          JOIN units g ON g.parent_id = s.id),
    counts AS (SELECT tree.top, count(*) AS n FROM tree
        JOIN members m ON m.unit_id = tree.unit_id
        WHERE m.status = 'active' AND m.kind = 'league_member' GROUP BY tree.top),
    fresh AS (SELECT t.id,
        coalesce(jsonb_agg(jsonb_build_object('id', cov.id, 'kind', cov.kind,
          'league_members', CASE WHEN cov.kind = ANY(ARRAY['branch', 'general_branch',
            'joint_branch']) THEN coalesce(counts.n, 0) END)
          ORDER BY cov.id) FILTER (WHERE cov.id IS NOT NULL), '[]'::jsonb) AS units,
        max(coalesce(counts.n, 0)) FILTER (
          WHERE cov.kind = ANY(ARRAY['branch', 'general_branch', 'joint_branch'])) AS league
        FROM target t LEFT JOIN cov ON cov.coop_id = t.id
        LEFT JOIN counts ON counts.top = cov.id GROUP BY t.id)
    UPDATE cooperatives c SET covering_units = fresh.units,
        covering_league_members = fresh.league
    FROM fresh WHERE c.id = fresh.id
    AND (c.covering_units, c.covering_league_members)
        IS DISTINCT FROM (fresh.units, fresh.league);
END
$$;

-- What the projections call (services/org/coverage_projections.py), after taking the
-- coverage lock; functions too, for their kept plans (generic: a custom plan, which
-- PostgreSQL picks for these small lookups, is planned again on every call).
-- The cooperatives whose League organizations count the members directly in `unit_ids`:
-- those units and up to `levels` (1 or 2) above them count them.
CREATE FUNCTION refresh_coverage_under(unit_ids text[], levels integer) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM refresh_coverage(ARRAY(
        SELECT c FROM units, jsonb_array_elements_text(cooperative_ids) AS c
        WHERE status = 'active'
        AND kind = ANY(ARRAY['branch', 'general_branch', 'joint_branch'])
        AND id IN (SELECT id FROM units WHERE id = ANY(unit_ids)
            UNION ALL SELECT parent_id FROM units WHERE id = ANY(unit_ids)
            UNION ALL SELECT p.parent_id FROM units o JOIN units p ON p.id = o.parent_id
                WHERE o.id = ANY(unit_ids) AND levels > 1)));
END
$$;

-- The cooperatives a unit covers (whatever its status: a dissolved or merged unit no longer
-- covers them) and, with `listed`, those whose row still lists it (its cooperatives before a
-- coverage change).
CREATE FUNCTION refresh_coverage_of_unit(unit_id text, listed boolean) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM refresh_coverage(ARRAY(
        SELECT c FROM units u, jsonb_array_elements_text(u.cooperative_ids) AS c
        WHERE u.id = unit_id
        UNION SELECT co.id FROM cooperatives co
        WHERE listed AND co.covering_units @> jsonb_build_array(jsonb_build_object('id', unit_id))));
END
$$;

-- the existing cooperatives
SELECT refresh_coverage(ARRAY(SELECT id FROM cooperatives));
