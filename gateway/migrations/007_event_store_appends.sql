-- The gateway's own event store (issued documents, 004_document_events) appends through
-- eventkit's EventStore like a service's, so it needs what eventkit's migrations 004 and 005
-- give the services' stores (issue 16's concurrent appends): the rows' horizon, the
-- reservation function and the settled-prefix function. Same text as theirs.
ALTER TABLE events ADD COLUMN IF NOT EXISTS horizon xid8;
CREATE SEQUENCE IF NOT EXISTS events_xid_high;

CREATE OR REPLACE FUNCTION reserve_positions(n integer, append_key bigint, reserve_key bigint,
                                             channel text, OUT first bigint, OUT horizon xid8)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    own bigint := pg_current_xact_id()::text::bigint;
    high bigint;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(append_key);
    IF channel IS NOT NULL THEN
        PERFORM pg_notify(channel, '');
    END IF;
    BEGIN
        PERFORM pg_advisory_lock(reserve_key);
        first := nextval('events_position_seq');
        IF n > 1 THEN
            PERFORM setval('events_position_seq', first + n - 1);
        END IF;
        high := coalesce(pg_sequence_last_value('events_xid_high'), 0);
        horizon := (high + 1)::text::xid8;
        IF own > high THEN
            PERFORM setval('events_xid_high', own);
        END IF;
        PERFORM pg_advisory_unlock(reserve_key);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(reserve_key);
        RAISE;
    END;
END $$;

-- The oldest transaction id that may still be open and may append here: the current
-- snapshot's oldest open transaction, leaving out transactions of other databases (they can
-- never append to this database's stores). Rows whose horizon is at or below it are settled.
CREATE OR REPLACE FUNCTION settled_below() RETURNS xid8
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT min(x) FROM pg_snapshot_xip(s) AS x
          WHERE (x::text::bigint % 4294967296) NOT IN (
                SELECT a.backend_xid::text::bigint FROM pg_stat_get_activity(NULL) AS a
                 WHERE a.backend_xid IS NOT NULL
                   AND a.datid <> (SELECT oid FROM pg_database
                                    WHERE datname = current_database()))),
        pg_snapshot_xmax(s))
    FROM pg_current_snapshot() AS s
$$;
