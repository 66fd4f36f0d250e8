"""The baseline for bench/public_pages.py: a hello-world Flask endpoint, nothing else.

Run by the benchmark as `gunicorn ... bench.hello_app:app`, the same command as the real app.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
