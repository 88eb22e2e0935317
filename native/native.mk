# Native extensions: Rust crates built by maturin (a dev dependency) into the project's venv.
# `make native` rebuilds only when a crate's sources change; the stamp records the last install.
# Needs cargo (Rust >= 1.85) on PATH; crates come from crates.io at the versions in Cargo.lock.

ED25519_CRATE := native/gtx_ed25519
ED25519_STAMP := $(VENV)/.native-gtx-ed25519
ED25519_SOURCES := $(addprefix $(ED25519_CRATE)/,Cargo.toml Cargo.lock pyproject.toml \
	gridtokenx_ed25519.pyi) $(wildcard $(ED25519_CRATE)/src/*.rs)

.PHONY: native

native: $(ED25519_STAMP)

$(ED25519_STAMP): $(ED25519_SOURCES) | $(STAMP)
	@command -v cargo >/dev/null || { echo "make native: cargo not found; install Rust >= 1.85 with rustup" >&2; exit 1; }
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/maturin develop --release \
		--manifest-path $(ED25519_CRATE)/Cargo.toml
	touch $@
