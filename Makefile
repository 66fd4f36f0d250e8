# Undersigned: `make run` to try it, `make test` to run the whole test suite.
.PHONY: run test setup setup-test lint translations bench

run: setup
	scripts/run.sh

test: setup-test
	scripts/test.sh

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

# Every benchmark in bench/, one after the other (about half an hour); writes bench/RESULTS.md.
bench:
	scripts/setup.sh bench
	.venv/bin/python bench/run_all.py

lint: setup-test
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# Refresh the message catalogs after changing UI strings, then translate app/translations/ko.
translations: setup-test
	.venv/bin/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot .
	.venv/bin/pybabel update -i app/translations/messages.pot -d app/translations
	.venv/bin/pybabel compile -d app/translations
