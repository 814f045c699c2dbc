# essaylab: set-up, analysis, tests. Every target creates the virtual
# environment first, so a fresh clone needs only `make analysis` or `make test`.

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
CELL_TIMEOUT ?= 600
# Notebooks executed in parallel by `make analysis` (they are independent).
JOBS        ?= 2

# Where the essays are read from and the outputs go; each can be overridden
# from the environment. Made absolute so the notebooks (which run inside
# notebooks/) see the same folders.
ESSAYS_DIR  ?= seeds
RESULTS_DIR ?= results
REPORTS_DIR ?= reports
# (`override` so that `make analysis ESSAYS_DIR=x` is made absolute too.)
override ESSAYS_DIR  := $(abspath $(ESSAYS_DIR))
override RESULTS_DIR := $(abspath $(RESULTS_DIR))
override REPORTS_DIR := $(abspath $(REPORTS_DIR))
export ESSAYS_DIR RESULTS_DIR REPORTS_DIR
# Optional: another stance targets file (notebook 04); made absolute like the folders.
ifdef STANCE_TARGETS
override STANCE_TARGETS := $(abspath $(STANCE_TARGETS))
export STANCE_TARGETS
endif
# Notebooks draw with the kernel's inline backend (do not export MPLBACKEND: a
# non-interactive backend such as Agg would leave the reports without figures).
unexport MPLBACKEND

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
STAMP     := $(VENV)/.installed

.PHONY: all venv analysis test lab bench lock clean help

help:
	@echo "make analysis  set up, execute every notebook -> $(REPORTS_DIR)/*.html, $(RESULTS_DIR)/*.csv"
	@echo "make test      set up, run the library tests and execute the notebooks"
	@echo "make lab       set up, open JupyterLab on notebooks/"
	@echo "make bench     set up, measure rerun cost, scale and tokenizer speed -> $(REPORTS_DIR)/benchmarks.md"
	@echo "make clean     remove results/, reports/ and the token cache"

all: analysis

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (essaylab)" > /dev/null
	@touch $@

analysis: $(STAMP)
	@mkdir -p "$(RESULTS_DIR)" "$(REPORTS_DIR)"
	$(BIN)/python -m essaylab.run --jobs $(JOBS) --timeout $(CELL_TIMEOUT) $(NOTEBOOKS)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m essaylab.bench --jobs $(JOBS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

lock: $(STAMP)
	@{ head -n 2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.tmp && mv constraints.tmp constraints.txt

clean:
	rm -rf "$(RESULTS_DIR)" "$(REPORTS_DIR)" .cache
