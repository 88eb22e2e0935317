# On-chain C programs: Debian clang-16 compiles each .c to a BPF object, gridtokenx.sbf links
# them into one SBPFv0 program (build/programs/<name>.so) and checks its instructions.
# Adding a program is one line: $(eval $(call sbf_program,<name>,<folder holding src/>)).

SBF_CC := clang-16
# Pinned: -mcpu=v2 emits no ALU32/JMP32, which SBPFv0 runs wrongly or refuses at load.
SBF_CFLAGS := -target bpf -mcpu=v2 -O2 -ffreestanding -fno-builtin -Wall -Werror -I programs/sdk
SBF_BUILD := build/programs
SBF := $(BIN)/python -m gridtokenx.sbf
SBF_SDK := $(wildcard programs/sdk/*.h)
SBF_LINKER := $(wildcard src/gridtokenx/sbf/*.py)
SBF_PROGRAMS :=

.PHONY: programs sbf-toolchain

define sbf_program
$(1)_OBJECTS := $$(patsubst $(2)/src/%.c,$(SBF_BUILD)/$(1)/%.o,$$(sort $$(shell find $(2)/src -name '*.c')))
$$($(1)_OBJECTS): $(SBF_BUILD)/$(1)/%.o: $(2)/src/%.c $(SBF_SDK) $$(shell find $(2)/src -name '*.h') | sbf-toolchain
	@mkdir -p $$(@D)
	$(SBF_CC) $(SBF_CFLAGS) -c $$< -o $$@
$(SBF_BUILD)/$(1).so: $$($(1)_OBJECTS) $(SBF_LINKER) | sbf-toolchain
	$(SBF) link -o $$@ $$($(1)_OBJECTS)
	$(SBF) check $$@
SBF_PROGRAMS += $(SBF_BUILD)/$(1).so
endef

$(eval $(call sbf_program,hello,programs/examples/hello))
$(eval $(call sbf_program,registry,programs/registry))
$(eval $(call sbf_program,trading,programs/trading))
$(eval $(call sbf_program,pyth_local,programs/pyth_local))

programs: $(SBF_PROGRAMS)

# Runs every time (two dpkg queries) so a removed compiler is reinstalled, not assumed.
sbf-toolchain: venv
	$(SBF) ensure-toolchain
