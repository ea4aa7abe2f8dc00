-- Positions come from a sequence taken under the append lock (see eventkit/store.py):
-- one statement per append instead of reading the head first.
CREATE SEQUENCE events_position_seq OWNED BY events.position;
SELECT setval('events_position_seq', coalesce((SELECT max(position) FROM events), 0) + 1, false);
ALTER TABLE events ALTER COLUMN position SET DEFAULT nextval('events_position_seq');
