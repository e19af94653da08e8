"""The ``deltawatch`` command.

    deltawatch init                      create the database and load the embedded YRD default
    deltawatch serve [--port 8000]       run the application (admin at /admin/)
    deltawatch import FILE [--dry-run]   import statistics (CSV/XLSX, long or yearbook layouts)
    deltawatch export [--indicator …]    export statistics as CSV, XLSX or JSON
    deltawatch progress [--region …]     assess progress towards every target, store it, show it
    deltawatch index build|uncertainty|sensitivity|from-coinr …   composite indices
    deltawatch disparity | convergence | coordination | moran …     is the Delta integrating?
    deltawatch tasks list|show|import|export|remind            the task ledger (任务清单)
    deltawatch report build|list|schedule|check                bulletins and the annual report
    deltawatch intake FILE [--tasks]                            draft targets / tasks from a plan document
    deltawatch exchange export|import|index …   SDMX-CSV 2.0, Open SDG, an index run as JSON
    deltawatch backup [--output FILE]           every table and the evidence files in one ZIP
    deltawatch restore FILE [--yes]             into an empty database (--yes: replace its data)
    deltawatch manage ARGS…              any Django management command (createsuperuser, …)

``DATABASE_URL`` selects the database for every command; without it, a SQLite file in the
user's data directory. Messages are in Chinese; ``--lang en`` gives English.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from deltawatch.core import commands as core_commands
from deltawatch.core.commandline import UserError, setup_django
from deltawatch.indices import commands as index_commands
from deltawatch.jobs import commands as job_commands
from deltawatch.observations import commands as observation_commands
from deltawatch.plans import commands as plan_commands
from deltawatch.progress import commands as progress_commands
from deltawatch.regional import commands as regional_commands
from deltawatch.assessment import commands as assessment_commands
from deltawatch.reporting import commands as reporting_commands
from deltawatch.reports import commands as report_commands
from deltawatch.intake import commands as intake_commands
from deltawatch.exchange import commands as exchange_commands

# Each app's ``commands`` module declares its sub-commands and their handlers (by reference);
# the modules are light — pandas, NumPy and Django's models are imported by a handler when it runs.
COMMAND_MODULES = (core_commands, observation_commands, progress_commands, index_commands, regional_commands,
                   job_commands, plan_commands, reporting_commands, assessment_commands, report_commands,
                   intake_commands, exchange_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deltawatch", description="长三角一体化发展监测评估系统 DeltaWatch")
    parser.add_argument("--lang", choices=["zh", "en"], default=os.environ.get("DELTAWATCH_LANG", "zh"),
                        help="消息语言 / language of messages (default zh)")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.add_parsers(commands)
    return parser


def _configuration_problem(error: Exception) -> bool:
    """A database or settings problem that is the user's to fix (a bad DATABASE_URL, a server
    that does not answer): worded, without a traceback. Django is looked at only if the command
    loaded it — an index build from a file never does."""
    if "django.core.exceptions" not in sys.modules:
        return False
    from django.core.exceptions import ImproperlyConfigured

    if isinstance(error, ImproperlyConfigured):  # settings refused before django.db is loaded too
        return True
    if "django.db" not in sys.modules:
        return False
    from django.db import OperationalError

    return isinstance(error, OperationalError)


def end_quietly_on_closed_pipe(args) -> None:
    """`deltawatch … | head` ends quietly, as other commands do — but never the server or the
    job worker (``long_running``): there a browser closing its connection mid-answer would end
    the whole process (Python ignores SIGPIPE, and sockets then raise an error instead)."""
    if hasattr(signal, "SIGPIPE") and not getattr(args, "long_running", False):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def main(argv: list[str] | None = None, *, own_process: bool = False) -> int:
    """Run a command. ``own_process``: the process is the command's own (the console entry,
    ``run``), so a one-shot command may take SIGPIPE's default; a host calling ``main`` in its own
    process (a test, a live server beside it) keeps its signal handling — else a browser closing
    a connection to that host's server would end the host."""
    args = build_parser().parse_args(argv)
    if own_process:
        end_quietly_on_closed_pipe(args)
    try:
        if getattr(args, "needs_database", lambda args: True)(args):
            setup_django()
        return args.handler(args)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:
        if not _configuration_problem(exc):
            raise
        print(f"deltawatch: {exc}", file=sys.stderr)
        return 2


def run() -> None:
    """The console entry point: ``main()``, then leave at once.

    Python's orderly teardown of the interpreter — every module and object freed one by one —
    takes 0.15–0.3 s once Django and pandas are loaded: longer than the work of most commands
    (measured in benchmarks/bench_startup.py). Everything a command makes is written and
    committed before ``main`` returns; the outputs are flushed and the database connections
    closed here, and the process ends without the teardown. An exception still ends the
    ordinary way, with its traceback.
    """
    code = main(own_process=True)
    sys.stdout.flush()
    sys.stderr.flush()
    if "django.db" in sys.modules:
        from django.conf import settings
        from django.db import connections

        if settings.configured:  # not when the settings were refused: that was said already
            connections.close_all()
    os._exit(code)


if __name__ == "__main__":
    run()
