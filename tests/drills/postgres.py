"""A private PostgreSQL cluster for a drill: Debian's binaries, run as the postgres user, trust auth."""

import glob
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.signatures.test_sign_end_to_end import free_port

PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1])


class PostgresCluster:
    """initdb'd in a temporary folder owned by postgres, on a free loopback port; stopped and started."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.running = False

    def url(self, database="postgres"):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program, *args, timeout=60):
        command = ["runuser", "-u", "postgres", "--", str(PG_BIN / program), *map(str, args)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, (
            f"{program} failed:\n{result.stdout}\n{result.stderr}\n{self.server_log()}"
        )
        return result

    def server_log(self):
        return self.log.read_text() if self.log.exists() else ""

    def init(self):
        self._run(
            "initdb",
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")
        self.running = True

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def create_database(self, name):
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')

    def query(self, database, sql, *params):
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={database}") as c:
            return c.execute(sql, params).fetchall()

    def remove(self):
        if self.running:
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
