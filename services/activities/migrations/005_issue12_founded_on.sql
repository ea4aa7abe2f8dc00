-- Issue 12: the working committee's meeting duties start at its founding conference.
ALTER TABLE known_units ADD COLUMN founded_on date;
