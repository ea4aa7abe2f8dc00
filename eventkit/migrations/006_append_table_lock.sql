-- Appends no longer take the store's advisory lock shared (issue 16): the INSERT's own
-- ROW EXCLUSIVE lock on `events`, held from before the reservation to the commit, already
-- does what it did. A rebuild's final swap (`EventStore.lock_appends`) locks the table in
-- SHARE mode, which waits for every open append and holds new ones back before they reserve.
-- ROW EXCLUSIVE is taken on the fast path; the shared advisory lock went through the lock
-- manager's partition (twice per append, at the lock and at the commit), where concurrent
-- appenders queued. `append_key` stays in the signature for the callers.
CREATE OR REPLACE FUNCTION reserve_positions(n integer, append_key bigint, reserve_key bigint,
                                             channel text, OUT first bigint, OUT horizon xid8)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    own bigint := pg_current_xact_id()::text::bigint;
    high bigint;
BEGIN
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
