# The README's first two commands: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8050

.PHONY: run test install lint bench translations i18n-update clean-cache plotly-bundle first-view-css

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
	$(BIN)/python benchmarks/bench_preview.py
	$(BIN)/python benchmarks/bench_scripts.py

i18n-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ --no-location --sort-output --project barometer -o barometer/locale/messages.pot barometer
	$(BIN)/pybabel update -i barometer/locale/messages.pot -d barometer/locale -D messages
	$(BIN)/python -c "from barometer.i18n import derive_cyrillic_catalog; derive_cyrillic_catalog()"

clean-cache:
	rm -rf data/cache

# The partial Plotly bundle the pages load instead of the full plotly.min.js (bar and scatter
# traces only: see barometer/web/plotly_bundle.py). Committed, so a fresh machine needs no npm;
# this target reproduces it from the npm registry, checking the tarball against the registry's
# dist.integrity of that version. Its version is the plotly.js the Python plotly package bundles.
PLOTLY_DIST := plotly.js-basic-dist-min
PLOTLY_VERSION := 4.1.1
PLOTLY_INTEGRITY := sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/OU5FHUHvzqbqxN4mnwZGI9abTiE775C4kkjMQ==
PLOTLY_DIR := barometer/web/vendor

plotly-bundle:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	curl -fsSL -o "$$tmp/dist.tgz" \
	    https://registry.npmjs.org/$(PLOTLY_DIST)/-/$(PLOTLY_DIST)-$(PLOTLY_VERSION).tgz && \
	got="sha512-$$(openssl dgst -sha512 -binary "$$tmp/dist.tgz" | base64 -w0)" && \
	if [ "$$got" != "$(PLOTLY_INTEGRITY)" ]; then \
	    echo "$(PLOTLY_DIST)-$(PLOTLY_VERSION).tgz: integrity $$got, expected $(PLOTLY_INTEGRITY)" >&2; \
	    exit 1; fi && \
	tar -xzf "$$tmp/dist.tgz" -C "$$tmp" package/plotly-basic.min.js package/LICENSE && \
	mkdir -p $(PLOTLY_DIR) && \
	cp "$$tmp/package/plotly-basic.min.js" $(PLOTLY_DIR)/plotly-basic.min.js && \
	cp "$$tmp/package/LICENSE" $(PLOTLY_DIR)/plotly-basic.LICENSE && \
	echo "$(PLOTLY_DIR)/plotly-basic.min.js: $(PLOTLY_DIST)@$(PLOTLY_VERSION), integrity checked"

# The Bootstrap rules the server-rendered first views use, written into their pages' heads (see
# barometer/web/first_view_style.py). Committed, so a fresh machine needs no npm; this target
# makes it anew (after a change to what first views show) with PurgeCSS from the npm registry.
PURGECSS_VERSION := 6.0.0

first-view-css: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python -m barometer.web.first_view_style "$$tmp/views" && mkdir "$$tmp/out" && \
	npx --yes purgecss@$(PURGECSS_VERSION) --css assets/00-bootstrap.min.css \
	    --content "$$tmp/views/*.html" --output "$$tmp/out" && \
	cp "$$tmp/out/00-bootstrap.min.css" barometer/web/vendor/first-view-bootstrap.css && \
	echo "barometer/web/vendor/first-view-bootstrap.css: $$(wc -c < barometer/web/vendor/first-view-bootstrap.css) bytes"
