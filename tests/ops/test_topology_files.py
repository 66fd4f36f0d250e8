"""The Procfile, the systemd units and the compose file run the same processes with the same commands."""

import configparser
import os
import runpy
import shlex
from pathlib import Path

import pytest
import yaml
from celery import current_app as current_celery
from gunicorn.config import Config as GunicornConfig

from app import tasks  # noqa: F401  (every task registered)
from app.core.celery import QUEUES
from config import Config

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = {"web", "worker-mail", "worker-pdf", "worker-default", "beat"}


def command(text):
    """A command as argv, the program by its name only (systemd needs absolute paths)."""
    argv = shlex.split(text)
    return [os.path.basename(argv[0]), *argv[1:]]


def procfile():
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {name: command(rest) for name, rest in (line.split(":", 1) for line in lines if line.strip())}


def systemd_units():
    commands = {}
    for path in sorted((ROOT / "deploy" / "systemd").glob("undersigned-*.service")):
        unit = configparser.ConfigParser(interpolation=None)
        unit.optionxform = str
        unit.read(path)
        # systemd reads "%%" as a literal "%" (celery's own %h placeholder).
        exec_start = unit["Service"]["ExecStart"].replace("%%", "%")
        commands[path.stem.removeprefix("undersigned-")] = command(exec_start)
    return commands


def compose_services():
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
    return {name: service for name, service in compose["services"].items() if "command" in service}


def compose_commands():
    return {name: command(service["command"]) for name, service in compose_services().items()}


@pytest.mark.parametrize("source", [systemd_units, compose_commands], ids=["systemd", "compose"])
def test_each_deployment_runs_the_procfiles_commands(source):
    assert set(procfile()) == PROCESSES
    assert source() == procfile()


def option(argv, name):
    values = [arg.split("=", 1)[1] for arg in argv if arg.startswith(f"{name}=")]
    return values[0] if values else None


def test_each_queue_has_its_own_worker_and_there_is_one_beat():
    commands = procfile()
    worker = ["celery", "-A", "worker", "worker"]
    workers = {name: argv for name, argv in commands.items() if argv[:4] == worker}
    queues = {name: option(argv, "--queues") for name, argv in workers.items()}
    assert queues == {f"worker-{queue}": queue for queue in QUEUES}
    assert [argv for argv in commands.values() if "beat" in argv] == [["celery", "-A", "worker", "beat"]]
    pdf = workers["worker-pdf"]
    assert option(pdf, "--max-memory-per-child") == str(Config.PDF_WORKER_MAX_MEMORY_KB)
    assert "--pool=solo" not in pdf  # time limits need the prefork pool


def test_every_task_is_routed_to_a_queue_a_worker_takes():
    router = current_celery.amqp.router
    names = [name for name in current_celery.tasks if not name.startswith("celery.")]
    routes = {name: router.route({}, name)["queue"].name for name in names}
    assert set(routes.values()) <= set(QUEUES)
    assert routes["mail.send"] == routes["deliveries.send"] == "mail"
    assert routes["pdf.render"] == routes["pdf.sweep"] == "pdf"
    assert routes["inbound.poll"] == routes["signatures.expire_unconfirmed"] == "default"
    assert routes["timeline.overdue_digest"] == "default"


def test_the_web_process_uses_the_gunicorn_config_of_the_repository(monkeypatch):
    assert procfile()["web"] == ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    found = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    settings = {name: value for name, value in found.items() if not name.startswith("_") and name != "os"}
    gunicorn = GunicornConfig()
    for name, value in settings.items():
        gunicorn.set(name, value)  # a name gunicorn does not know raises AttributeError
    assert gunicorn.workers == 7 and gunicorn.address == [("127.0.0.1", 8000)]
    assert gunicorn.preload_app
    # The forwarded headers are the app's ProxyFix's to read (PROXY_COUNT), not gunicorn's.
    assert gunicorn.forwarded_allow_ips == [] and gunicorn.secure_scheme_headers == {}


def test_compose_shares_one_file_store_and_builds_one_image():
    services = compose_services()
    assert {service["image"] for service in services.values()} == {"undersigned:latest"}
    assert {tuple(service["volumes"]) for service in services.values()} == {("files:/var/lib/undersigned",)}
    assert "GUNICORN_BIND=0.0.0.0:8000" in (ROOT / "deploy" / "Dockerfile").read_text()
