# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Optional extras to install beside the dev tools: learning (scikit-learn, for the embedded
# worker's re-scorer trainings); CI adds spacy so the DocBin export is read back by spaCy,
# and embeddings (sentence embeddings for similar claims; torch's CPU build goes in first).
EXTRAS ?= dev,learning
TORCH  ?= torch==2.13.0
# Where `make run` serves: `make run PORT=8080`, or `make run ADDR=0.0.0.0:8080` for other
# machines (their name for this one must be in ALLOWED_HOSTS).
PORT   ?= 8000
ADDR   ?= 127.0.0.1:$(PORT)

.PHONY: run test install lint typecheck jstest format check-migrations worker clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# The CPU build of torch first: left to sentence-transformers, pip takes a CUDA build.
	$(if $(findstring embeddings,$(EXTRAS)),$(BIN)/python -m pip install --quiet '$(TORCH)')
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)

## Embedded mode: SQLite, a filesystem broker and a real Celery worker, on $(ADDR).
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py setup_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py run_embedded --addr $(ADDR)

## The whole suite: lint, types, migrations in sync, the editor's unit tests (Node), then
## pytest (SQLite unless DATABASE_URL is set).
test: install lint typecheck check-migrations jstest
	SECRET_KEY=$${SECRET_KEY:-tests-only-secret} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	SECRET_KEY=$${SECRET_KEY:-tests-only-secret} $(BIN)/mypy

## The editor's pure modules, with Node's built-in test runner (no npm packages).
jstest:
	node --test tests/js/*.test.mjs

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations:
	SECRET_KEY=$${SECRET_KEY:-tests-only-secret} $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) data
