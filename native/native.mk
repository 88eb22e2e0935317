# Native extensions: Rust crates built by maturin (a dev dependency) into the project's venv, and
# the mypyc build of the matching core. `make native` rebuilds only when their sources change;
# the stamps record the last install.
# Needs cargo (Rust >= 1.85) on PATH; crates come from crates.io at the versions in Cargo.lock.

ED25519_CRATE := native/gtx_ed25519
ED25519_STAMP := $(VENV)/.native-gtx-ed25519
ED25519_SOURCES := $(addprefix $(ED25519_CRATE)/,Cargo.toml Cargo.lock pyproject.toml \
	gridtokenx_ed25519.pyi) $(wildcard $(ED25519_CRATE)/src/*.rs)

# The matching core (gridtokenx.market) compiled with mypyc (part of the mypy dev dependency)
# into extension modules beside its sources; needs gcc and the Python headers. Rebuilt when a
# source of the market package or of the core types changes: see native/market_core.py.
MARKET_CORE_STAMP := $(VENV)/.native-market-core
MARKET_CORE_SOURCES := native/market_core.py $(wildcard src/gridtokenx/market/*.py) \
	$(wildcard src/gridtokenx/core/*.py)

.PHONY: native

native: $(ED25519_STAMP) $(MARKET_CORE_STAMP)

$(ED25519_STAMP): $(ED25519_SOURCES) | $(STAMP)
	@command -v cargo >/dev/null || { echo "make native: cargo not found; install Rust >= 1.85 with rustup" >&2; exit 1; }
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/maturin develop --release \
		--manifest-path $(ED25519_CRATE)/Cargo.toml
	touch $@

$(MARKET_CORE_STAMP): $(MARKET_CORE_SOURCES) | $(STAMP)
	@$(BIN)/python -c "import shutil, sys, sysconfig; cc = sysconfig.get_config_var('CC').split()[0]; \
		sys.exit(None if shutil.which(cc) else f'make native: C compiler {cc} not found; install gcc')"
	$(BIN)/python native/market_core.py
	touch $@
