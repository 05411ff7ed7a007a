"""Developer tools that are never part of the product: `flask dev ...` commands (seeding big
databases for benchmarks) and, only when the BENCH_NOOP_ROUTE setting is on, the no-op
endpoint the benchmarks measure the framework's own cost with (bench/README.md)."""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli

    app.register_blueprint(cli.bp)
    if app.config.get("BENCH_NOOP_ROUTE"):
        from . import bench_routes

        app.register_blueprint(bench_routes.bp)
