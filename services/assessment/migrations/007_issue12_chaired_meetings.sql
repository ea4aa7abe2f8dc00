-- Issue 12: the working committee's regular meeting counts (as evidence of meetings held, as
-- in activities' compliance) only when the secretary or a deputy secretary attended.
-- activities' MeetingRecorded v2 carries each attendee's role; re-read its feed from the
-- start so the meetings already learnt get the flag (the handler is an upsert per event).
ALTER TABLE evidence_meetings ADD COLUMN chaired boolean NOT NULL DEFAULT true;
UPDATE tracking SET position = 0 WHERE source = 'activities';
