-- Issue 12: an open 自行脱团 procedure on a member ({started_on, grounds, ...}).
ALTER TABLE members ADD COLUMN self_lapse jsonb;
