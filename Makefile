# The two commands a newcomer needs are `make run` and `make test`; the rest serve developers and CI.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NATIVE := $(VENV)/lib/ipp_rank.so
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint format check messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

# Search's ranking function in C (search/csrc/ipp_rank.c, docs/architecture.md): built where a C
# compiler and SQLite's header are (Debian: gcc libsqlite3-dev); without them search ranks with FTS5's
# bm25() — the same order, slower at a million documents.
$(NATIVE): search/csrc/ipp_rank.c $(STAMP)
	@if ! command -v $(CC) >/dev/null 2>&1; then \
		echo "note: no C compiler ($(CC)), $@ not built: search ranks with FTS5's bm25()"; \
	elif ! $(CC) -O2 -fPIC -shared -o $@ $< -l:libsqlite3.so.0 -lm; then \
		echo "note: $@ not built (above; Debian: apt-get install libsqlite3-dev): search ranks with bm25()"; \
	else echo "built $@"; fi

## make run — set up and serve the demo at http://127.0.0.1:8000/ (SQLite, in-memory channel layer)
run: $(STAMP) $(NATIVE)
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	@echo "→ http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) portal.asgi:application

## make test — set up and run the whole suite (skips what the machine lacks unless REQUIRE_* is set)
test: $(STAMP) $(NATIVE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench — load-test a real server; see docs/performance.md
bench: $(STAMP) $(NATIVE)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP)
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

## make messages — refresh and compile translations (needs GNU gettext: apt-get install gettext)
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --no-obsolete -i ".venv/*" -i "var/*" -i "bench/*" -i "tests/*"
	$(BIN)/python manage.py source_catalogue
	$(BIN)/python manage.py compilemessages -i ".venv"

clean:
	rm -rf $(VENV) var
