"""The load and fault soak (issue #9): simulated citizens and officers against gunicorn on
PostgreSQL or on the embedded default (SQLite), a worker killed with SIGKILL and PostgreSQL
restarted during the run, beside them the account pages' traffic (profile saves, exports,
sign-in codes, sign-outs, officers' password sign-ins), and a checker that compares what
every simulated client believes was applied with the database.

    make soak                                   # 300 s, 200 citizens, 3 officers
    .venv/bin/python -m soak.run --database sqlite --duration 60 --citizens 40
    .venv/bin/python -m soak.run --help         # every knob
    .venv/bin/python -m soak.run --duration 30 --citizens 20 --inject-loss   # checker must FAIL

Modules: `actors.py` (the citizen's outbox and tus uploader, the officer, the account
holder and the counter officer, the HTTP counter),
`check.py` (the checker, and the injected loss that proves it can fail), `run.py` (database,
gunicorn, the fault schedule, the report). Documented in bench/README.md ("The soak").
"""
