"""The syscall names an SBPFv0 program may call; the loader resolves each by its murmur3 hash.

Deliberately left out: ``sol_alloc_free_`` (new deployments are refused on current clusters)
and ``sol_get_fees_sysvar`` (the Fees sysvar is gone).
"""

from __future__ import annotations

KNOWN_SYSCALLS: frozenset[str] = frozenset(
    {
        "abort",
        "sol_alt_bn128_compression",
        "sol_alt_bn128_group_op",
        "sol_big_mod_exp",
        "sol_blake3",
        "sol_create_program_address",
        "sol_curve_group_op",
        "sol_curve_multiscalar_mul",
        "sol_curve_validate_point",
        "sol_get_clock_sysvar",
        "sol_get_epoch_rewards_sysvar",
        "sol_get_epoch_schedule_sysvar",
        "sol_get_epoch_stake",
        "sol_get_last_restart_slot",
        "sol_get_processed_sibling_instruction",
        "sol_get_rent_sysvar",
        "sol_get_return_data",
        "sol_get_stack_height",
        "sol_get_sysvar",
        "sol_invoke_signed_c",
        "sol_invoke_signed_rust",
        "sol_keccak256",
        "sol_log_",
        "sol_log_64_",
        "sol_log_compute_units_",
        "sol_log_data",
        "sol_log_pubkey",
        "sol_memcmp_",
        "sol_memcpy_",
        "sol_memmove_",
        "sol_memset_",
        "sol_panic_",
        "sol_poseidon",
        "sol_remaining_compute_units",
        "sol_secp256k1_recover",
        "sol_set_return_data",
        "sol_sha256",
        "sol_try_find_program_address",
    }
)
