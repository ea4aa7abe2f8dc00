"""The shared kernel of CoopLeague: event store, aggregates, relay, tracking, nameko glue."""
