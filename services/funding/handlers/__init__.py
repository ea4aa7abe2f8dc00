"""Command handlers of the funding service: plain functions `(tx, cmd, ctx) -> answer`.

Same shape as assessment's (docs/conventions.md): `tx` the unit of work's transaction, `cmd`
the validated command, `ctx` the scope, the clock, the id generator, the settings a rule
needs and the read-model facts (`Facts`: `queries.SqlFacts` in the service, fakes in
tests/unit/funding/test_funding_handlers*.py). One module per resource; every handler is
also importable from here (`handlers.pay_dues`). The partner ingest (ingest.py) is a
consumer, not a command: it keeps its own shape.
"""

from services.funding.handlers.applications import (
    on_application,
    precheck_application,
    recommend_application,
    register_entrepreneur,
    send_application,
    submit_application,
)
from services.funding.handlers.common import Context, Facts, Scope, this_month, today_or
from services.funding.handlers.credit import recommend_grant
from services.funding.handlers.dues import (
    add_dues_rule,
    add_remittance_rule,
    change_dues_basis,
    on_dues,
    pay_dues,
    record_remittance,
    reverse_dues_payment,
    start_dues,
)
from services.funding.handlers.funds import (
    allocate_funds,
    on_fund,
    record_expense,
    record_pledge,
    record_receipt,
    release_allocation,
    reverse_entry,
)
from services.funding.handlers.venues import (
    book_venue,
    cancel_booking,
    change_venue_capacity,
    on_venue,
    register_venue,
)

__all__ = [
    "Context", "Facts", "Scope", "add_dues_rule", "add_remittance_rule", "allocate_funds",
    "book_venue", "cancel_booking", "change_dues_basis", "change_venue_capacity",
    "on_application", "on_dues", "on_fund", "on_venue", "pay_dues", "precheck_application",
    "recommend_application", "recommend_grant", "record_expense", "record_pledge",
    "record_receipt", "record_remittance", "register_entrepreneur", "register_venue",
    "release_allocation", "reverse_dues_payment", "reverse_entry", "send_application",
    "start_dues", "submit_application", "this_month", "today_or",
]
