-- Issue 12 part 4 (推优 safeguards) and part 5 (letters owed by appointment).
-- A member's kind (only League members are recommended as such) and since when a member
-- left or aged out (a recommended League member must still be one on the vote date).
ALTER TABLE known_members ADD COLUMN kind text;
ALTER TABLE known_members ADD COLUMN status_since date;

-- The branches' annual member evaluations (团员教育评议, org's MemberEvaluationRecorded): a
-- League member graded excellent in their latest evaluation is recommended first (优先).
CREATE TABLE known_member_grades (
    member_id  text NOT NULL,
    year       integer NOT NULL,
    unit_id    text NOT NULL,
    grade      text NOT NULL,
    PRIMARY KEY (member_id, year)
);

-- The organization department's record of the Party's decision (part 6's last sentence).
ALTER TABLE recommendations ADD COLUMN party_decision jsonb;

-- Re-read org's feed from the start so the new columns and table learn what happened before
-- (every handler of the tracked projection is idempotent per row).
UPDATE tracking SET position = 0 WHERE source = 'org';
