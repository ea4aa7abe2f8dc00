-- The committee's member units (成员单位: government departments, banks, associations), learnt
-- from org's committee events: they may co-organize activities. They are not League units and
-- owe no meetings.
CREATE TABLE known_member_units (
    id               text PRIMARY KEY,
    committee_id     text NOT NULL,
    name             text NOT NULL,
    department_type  text NOT NULL,
    status           text NOT NULL,   -- active / removed
    org_position     bigint NOT NULL,
    learnt_at        timestamptz NOT NULL
);

-- Re-read org's feed from the start so the new table learns the member units already added
-- (every handler of the tracked projection is idempotent per row).
UPDATE tracking SET position = 0 WHERE source = 'org';
