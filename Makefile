# Two commands do everything on a fresh machine (see README.md):
#   make demo   — install, then run the main job on the embedded store
#   make deps && .venv/bin/python -m pytest -q
#               — install (Python and Debian packages), then run the test suite (= make test)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test deps install system-deps bench clean

$(BIN)/kgtool: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/kgtool

system-deps:
	bash scripts/install-system-deps.sh

deps: install system-deps

demo: deps
	$(BIN)/kgtool demo --out out

test: deps
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) out build dist .pytest_cache
