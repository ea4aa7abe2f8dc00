-- Issue 12: branch committee terms (the last election and its term).
ALTER TABLE units ADD COLUMN last_election_on date;
ALTER TABLE units ADD COLUMN term_years integer;
