# The two commands of the README: `make run` and `make test`. Each sets up what it needs.
VENV    ?= .venv
PY      := $(VENV)/bin/python
KG      := $(VENV)/bin/kg
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: run build test lint browser bench-small clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

build: $(STAMP)
	$(KG) build

# Build the graph, write the cooperation and entities views, then serve everything.
run: build
	$(KG) view -o build/cooperation.html
	$(KG) view --projection entities -o build/entities.html
	@echo "graph: build/kg.trig build/kg.ttl build/kg.jsonld build/kg.nq build/store"
	@echo "views: build/cooperation.html build/entities.html (open them from disk, or /graph)"
	$(KG) serve --host $(HOST) --port $(PORT)

browser:
	bash .ci/ensure-chromium

lint: $(STAMP)
	$(PY) -m ruff check kg tests benchmarks
	$(PY) -m ruff format --check kg tests benchmarks

test: $(STAMP) browser lint
	$(PY) -m pytest

# The benchmarks that fit in minutes: the seed build, and every stage at 100 and 1,000 synthetic
# articles (figures in build/bench/; 10,000 articles is run by hand, see benchmarks/README.md).
bench-small: $(STAMP)
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_stages.py --articles 100 --query-timeout 10 --repeat 5 --markdown build/bench/scale-100.md
	$(PY) benchmarks/bench_stages.py --articles 1000 --query-timeout 10 --repeat 5 --markdown build/bench/scale-1000.md

clean:
	rm -rf build
