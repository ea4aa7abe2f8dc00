-- Concurrent appends (issue 16): appenders no longer hold a lock to their commit.
-- Positions are reserved under a lock held only for the reservation (a few microseconds,
-- `reserve_positions`); readers read only the prefix of the feed that no open transaction
-- can still add to (`settled_below`), so a follower never skips an event committed later
-- with a lower position.
--
-- `horizon`: one more than the highest transaction id of every append that reserved
-- positions before this row's (kept in `events_xid_high`, a sequence: outside
-- transactions). Once every transaction below it has ended, no position below this row can
-- still appear. Rows stored before this migration have none (settled).
ALTER TABLE events ADD COLUMN horizon xid8;
CREATE SEQUENCE events_xid_high;

-- Reserve n consecutive positions for the calling transaction; returns the first and the
-- rows' horizon. Takes the append lock shared to the commit (a rebuild's exclusive
-- `lock_appends` waits for the open appends and holds new ones back) and the reservation
-- lock (session-level, released before returning, also on an error).
CREATE FUNCTION reserve_positions(n integer, append_key bigint, reserve_key bigint,
                                  channel text, OUT first bigint, OUT horizon xid8)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    own bigint := pg_current_xact_id()::text::bigint;
    high bigint;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(append_key);
    PERFORM pg_notify(channel, '');
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
CREATE FUNCTION settled_below() RETURNS xid8
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
