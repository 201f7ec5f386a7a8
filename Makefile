# The two commands of the README: `make brief` and `make test`. Both set everything up first.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed        # the tool alone (make brief)
TESTSTAMP := $(VENV)/.installed-test # and what the tests need (make test)

.PHONY: brief test lint messages setup system-fonts system-test bench clean

brief: system-fonts $(STAMP)
	$(PY) -m compileall -q src/shangli_brief
	$(VENV)/bin/shangli-brief build

test: system-test $(TESTSTAMP)
	$(PY) -m compileall -q src/shangli_brief   # as pip does on install (PYTHONDONTWRITEBYTECODE would leave every process compiling)
	$(VENV)/bin/python -m pytest

lint: $(TESTSTAMP)
	$(VENV)/bin/ruff check src tests benchmarks scripts

# After adding or changing a message: extract, merge into the Chinese .po, compile the .mo.
messages: $(TESTSTAMP)
	$(PY) scripts/messages.py

bench: system-fonts $(TESTSTAMP)
	$(PY) -m pip install --quiet typst   # benchmark only: the compiler we compare with
	$(PY) benchmarks/build_time.py
	$(PY) benchmarks/production.py
	$(PY) benchmarks/versus_typst.py

# System packages: fonts for `make brief`; fonts plus poppler, qpdf and LibreOffice for `make test`.
system-fonts:
	@scripts/ensure-system.sh fonts

system-test:
	@scripts/ensure-system.sh test

$(STAMP): pyproject.toml
	@scripts/ensure-system.sh venv
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(TESTSTAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) out/*.docx out/*.pdf
