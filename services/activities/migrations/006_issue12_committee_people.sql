-- Issue 12: the working committee's people attend its regular meeting. Learnt from org's
-- committee events (services/activities/tracked.py): the secretary, deputy secretaries and
-- committee members (government office heads, often not League members), with the dates
-- of their posts; and members' posts in their units (a branch secretary heads the League
-- organization of their cooperative).
CREATE TABLE known_committee_people (
    committee_id  text NOT NULL,
    person_id     text NOT NULL,
    role          text NOT NULL,   -- secretary / deputy_secretary / committee_member
    name          text NOT NULL,
    appointed_on  date NOT NULL,
    removed_on    date,
    org_position  bigint NOT NULL,
    PRIMARY KEY (committee_id, person_id, role)
);
CREATE INDEX known_committee_people_person ON known_committee_people (person_id);

CREATE TABLE known_member_posts (
    role_id       text PRIMARY KEY,
    member_id     text NOT NULL,
    role          text NOT NULL,
    unit_id       text NOT NULL,
    start_on      date NOT NULL,
    end_on        date
);
CREATE INDEX known_member_posts_member ON known_member_posts (member_id);

-- Each attendee with their role on the day; meetings recorded before issue 12 were attended
-- by org members only.
ALTER TABLE meetings ADD COLUMN attendance jsonb NOT NULL DEFAULT '[]';
UPDATE meetings SET attendance = (
    SELECT coalesce(jsonb_agg(jsonb_build_object('member_id', m, 'role', 'member')), '[]')
      FROM unnest(attendee_member_ids) AS m);

-- Re-read org's feed from the start so the new tables learn the people already appointed
-- (every handler of the tracked projection is idempotent per row).
UPDATE tracking SET position = 0 WHERE source = 'org';
