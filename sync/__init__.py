"""The sync engine: protocol shapes, mutators, push and pull, reconciliation with the MPP
record. Plain Python: it imports no Flask and no request globals, and works against an
injected unit of work, so it runs the same under the server, in tests and in tools.

    protocol    request shapes, argument schemas, limits          (docs/sync-protocol.md)
    push, pull  the two algorithms the server's routes call
    mutators    the citizen's mutations; officer: the officer's (and system's) actions
    states      the application state machine, published by the server
    fields      form values against the service's form schema
    reconcile   pre-fill, discrepancies with the record, the document wallet
    documents   document rows through upload and issuance
    space       writing one citizen's space: version stamps, tombstones, journal
    views       the JSON value of each pulled key
    model       the rows; store: the UnitOfWork interface; memory: it, in memory
    errors      SyncError (a refused request) and Rejection (a refused mutation)
    rules       NIK, KK and phone rules, shared with server/accounts
"""
