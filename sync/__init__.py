"""The sync engine: protocol shapes, mutators, push and pull, reconciliation with the MPP
record. Plain Python: it imports no Flask and no request globals, and works against an
injected unit of work, so it runs the same under the server, in tests and in tools."""
