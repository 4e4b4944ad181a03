# The README's first two commands: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8050

.PHONY: run test install lint bench translations i18n-update clean-cache

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@if [ -d barometer/locale ]; then $(BIN)/pybabel compile --statistics -d barometer/locale -D messages; fi

run: install
	$(BIN)/barometer ingest
	$(BIN)/python app.py --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: install
	$(BIN)/python benchmarks/bench_stats.py
	$(BIN)/python benchmarks/bench_web.py

i18n-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ --no-location --sort-output --project barometer -o barometer/locale/messages.pot barometer
	$(BIN)/pybabel update -i barometer/locale/messages.pot -d barometer/locale -D messages
	$(BIN)/python -c "from barometer.i18n import derive_cyrillic_catalog; derive_cyrillic_catalog()"

clean-cache:
	rm -rf data/cache
