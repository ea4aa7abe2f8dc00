-- Units learnt before 004 have no root: walk up to the top of each tree.
WITH RECURSIVE walk AS (
    SELECT id, id AS top, parent_id FROM known_units
    UNION ALL
    SELECT w.id, p.id, p.parent_id FROM walk w JOIN known_units p ON p.id = w.parent_id
)
UPDATE known_units u SET root_id = w.top
  FROM walk w WHERE w.id = u.id AND w.parent_id IS NULL AND u.root_id IS NULL;
