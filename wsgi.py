"""The WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the CLI."""

import os
import sys

from app import ConfigError, create_app


def _serving():
    """True under gunicorn and the like; False for `flask ...` commands such as `db upgrade`."""
    from_cli = os.environ.get("FLASK_RUN_FROM_CLI") == "true" or os.path.basename(sys.argv[0]) == "flask"
    return not from_cli


def _build():
    try:
        application = create_app()
        if application.config["PREFLIGHT_CHECKS"] and _serving():
            # Serving (gunicorn): refuse to start on a wrong database, migrations or broker.
            from app.core.preflight import run_checks

            with application.app_context():
                run_checks()
    except ConfigError as error:
        sys.exit(f"undersigned: {error}")
    return application


app = _build()
