-- Appends of a store with a notifier (eventkit/wakeup.py) pass no channel: their NOTIFY is
-- sent after the commit, outside the appending transaction (issue 16).
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
