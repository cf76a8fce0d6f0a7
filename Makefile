# Two commands: `make run` (set up, run the main job on the bundled example corpus, then
# serve it: open the printed address; Ctrl-C stops; SERVE=0 skips serving) and `make test`
# (set up, then the whole suite). Both create .venv themselves.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= crosscheck.db
SERVE  ?= 1
PORT   ?= 8000
CORPUS := src/crosscheck/examples/corpus

.PHONY: run test install test-deps lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/crosscheck ingest --db $(DB) $(CORPUS)
	$(BIN)/crosscheck process --db $(DB)
	$(BIN)/crosscheck summary --db $(DB)
	$(BIN)/crosscheck stories --db $(DB) --limit 5
	$(BIN)/crosscheck contradictions --db $(DB) --limit 5
	@if [ "$(SERVE)" = "1" ]; then $(BIN)/crosscheck serve --db $(DB) --port $(PORT); fi

test-deps:
	bash scripts/install-test-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) test-deps lint typecheck
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/crosscheck bench ingest

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache build *.egg-info src/*.egg-info
