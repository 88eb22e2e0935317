//! `gridtokenx_ed25519`: Ed25519 signing and verification of many readings per call, over
//! contiguous buffers, with the GIL released and the work spread over threads.
//!
//! Every length is checked here, before any work, and reported as a Python `ValueError`
//! naming the expected size; nothing below this module can panic on caller input.

#![deny(unsafe_code)]

mod parallel;
mod sign;
mod verify;

use ed25519_dalek::{SigningKey, PUBLIC_KEY_LENGTH, SECRET_KEY_LENGTH, SIGNATURE_LENGTH};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::verify::{Item, Key, SEED_LEN};

/// More threads than this is a caller's mistake, not a machine.
const MAX_THREADS: usize = 256;

#[pymodule(name = "gridtokenx_ed25519")]
mod python_module {
    #[pymodule_export]
    use super::{verify_batch, KeyRing, SigningKeys};

    #[pymodule_export]
    const VERIFY_CHUNK: usize = super::verify::CHUNK;
}

/// One result per signature: does signature `i` verify message `i` under key `i`?
#[pyfunction]
#[pyo3(signature = (public_keys, messages, message_len, signatures, threads = 1))]
fn verify_batch(
    py: Python<'_>,
    public_keys: &[u8],
    messages: &[u8],
    message_len: usize,
    signatures: &[u8],
    threads: usize,
) -> PyResult<Vec<bool>> {
    check_threads(threads)?;
    let count = whole_items("signatures", signatures.len(), SIGNATURE_LENGTH)?;
    check_len(
        "public_keys",
        public_keys.len(),
        count,
        PUBLIC_KEY_LENGTH,
        "signature",
    )?;
    check_len("messages", messages.len(), count, message_len, "signature")?;
    let seed = fresh_seed()?;
    Ok(py.detach(|| {
        let keys: Vec<Option<Key>> = public_keys
            .chunks_exact(PUBLIC_KEY_LENGTH)
            .map(|key| Key::screen(as_array(key)))
            .collect();
        let items: Vec<Item<'_>> = (0..count)
            .map(|index| Item {
                key: keys[index].as_ref(),
                message: &messages[index * message_len..][..message_len],
                signature: as_array(&signatures[index * SIGNATURE_LENGTH..][..SIGNATURE_LENGTH]),
            })
            .collect();
        verify::verify_all(&items, threads, &seed)
    }))
}

/// Device public keys decoded once and held in Rust, key `i` in slot `i`: verifying against a
/// slot skips decoding the key at every signature, and signatures by one key share one term of
/// the batch equation.
#[pyclass(frozen, module = "gridtokenx_ed25519")]
struct KeyRing {
    keys: Vec<Option<Key>>,
}

#[pymethods]
impl KeyRing {
    #[new]
    fn new(py: Python<'_>, public_keys: &[u8]) -> PyResult<Self> {
        whole_items("public_keys", public_keys.len(), PUBLIC_KEY_LENGTH)?;
        Ok(Self {
            keys: py.detach(|| {
                public_keys
                    .chunks_exact(PUBLIC_KEY_LENGTH)
                    .map(|key| Key::screen(as_array(key)))
                    .collect()
            }),
        })
    }

    fn __len__(&self) -> usize {
        self.keys.len()
    }

    /// One byte per signature, 1 if signature `i` verifies message `i` under the key in slot
    /// `slots[i]` (u32 little-endian), else 0.
    #[pyo3(signature = (slots, messages, message_len, signatures, threads = 1))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        slots: &[u8],
        messages: &[u8],
        message_len: usize,
        signatures: &[u8],
        threads: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        check_threads(threads)?;
        let count = whole_items("signatures", signatures.len(), SIGNATURE_LENGTH)?;
        check_len("slots", slots.len(), count, SLOT_LEN, "signature")?;
        check_len("messages", messages.len(), count, message_len, "signature")?;
        let slots: Vec<usize> = slots
            .chunks_exact(SLOT_LEN)
            .map(|slot| u32::from_le_bytes(*as_array(slot)) as usize)
            .collect();
        if let Some((index, slot)) = slots
            .iter()
            .enumerate()
            .find(|(_, &s)| s >= self.keys.len())
        {
            return Err(PyValueError::new_err(format!(
                "slots[{index}] = {slot}, but the key ring holds {} keys",
                self.keys.len()
            )));
        }
        let seed = fresh_seed()?;
        let valid = py.detach(|| {
            // Signatures by one key side by side, so each key is one term of its chunk's equation.
            let mut order: Vec<usize> = (0..count).collect();
            order.sort_by_key(|&index| slots[index]);
            let items: Vec<Item<'_>> = order
                .iter()
                .map(|&index| Item {
                    key: self.keys[slots[index]].as_ref(),
                    message: &messages[index * message_len..][..message_len],
                    signature: as_array(
                        &signatures[index * SIGNATURE_LENGTH..][..SIGNATURE_LENGTH],
                    ),
                })
                .collect();
            let sorted = verify::verify_all(&items, threads, &seed);
            let mut valid = vec![0u8; count];
            for (&index, result) in order.iter().zip(sorted) {
                valid[index] = u8::from(result);
            }
            valid
        });
        Ok(PyBytes::new(py, &valid))
    }
}

/// Bytes of one key slot number in [`KeyRing::verify`].
const SLOT_LEN: usize = 4;

/// A secret seed for the batch weights, fresh from the operating system.
fn fresh_seed() -> PyResult<[u8; SEED_LEN]> {
    let mut seed = [0u8; SEED_LEN];
    getrandom::getrandom(&mut seed)
        .map_err(|error| PyOSError::new_err(format!("no randomness for batch weights: {error}")))?;
    Ok(seed)
}

fn as_array<const N: usize>(slice: &[u8]) -> &[u8; N] {
    slice.try_into().expect("callers slice exactly N bytes")
}

/// The signing keys of a fleet, built once from their 32-byte seeds and held in Rust.
#[pyclass(frozen, module = "gridtokenx_ed25519")]
struct SigningKeys {
    keys: Vec<SigningKey>,
}

#[pymethods]
impl SigningKeys {
    #[new]
    #[pyo3(signature = (seeds, threads = 1))]
    fn new(py: Python<'_>, seeds: &[u8], threads: usize) -> PyResult<Self> {
        check_threads(threads)?;
        whole_items("seeds", seeds.len(), SECRET_KEY_LENGTH)?;
        Ok(Self {
            keys: py.detach(|| sign::keys_from_seeds(seeds, threads)),
        })
    }

    fn __len__(&self) -> usize {
        self.keys.len()
    }

    /// The 32-byte public keys, key `i` at `i * 32`.
    fn public_keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        PyBytes::new_with(py, self.keys.len() * PUBLIC_KEY_LENGTH, |buffer| {
            for (slot, key) in buffer.chunks_exact_mut(PUBLIC_KEY_LENGTH).zip(&self.keys) {
                slot.copy_from_slice(key.verifying_key().as_bytes());
            }
            Ok(())
        })
    }

    /// The 64-byte signatures of message `i` by key `i`, concatenated (RFC 8032, deterministic).
    #[pyo3(signature = (messages, message_len, threads = 1))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        messages: &[u8],
        message_len: usize,
        threads: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        check_threads(threads)?;
        check_len(
            "messages",
            messages.len(),
            self.keys.len(),
            message_len,
            "key",
        )?;
        let parts = py.detach(|| sign::sign_all(&self.keys, messages, message_len, threads));
        PyBytes::new_with(py, self.keys.len() * SIGNATURE_LENGTH, |buffer| {
            let mut offset = 0;
            for part in &parts {
                buffer[offset..offset + part.len()].copy_from_slice(part);
                offset += part.len();
            }
            Ok(())
        })
    }
}

fn check_threads(threads: usize) -> PyResult<()> {
    if (1..=MAX_THREADS).contains(&threads) {
        Ok(())
    } else {
        Err(PyValueError::new_err(format!(
            "threads must be in 1..{MAX_THREADS}, got {threads}"
        )))
    }
}

/// How many `item_len`-byte items `len` bytes hold, if a whole number.
fn whole_items(name: &str, len: usize, item_len: usize) -> PyResult<usize> {
    if len % item_len == 0 {
        Ok(len / item_len)
    } else {
        Err(PyValueError::new_err(format!(
            "{name} must be a whole number of {item_len}-byte items, got {len} bytes"
        )))
    }
}

/// `len` must be `count` items of `item_len` bytes, one per `per` (signature, key).
fn check_len(name: &str, len: usize, count: usize, item_len: usize, per: &str) -> PyResult<()> {
    match count.checked_mul(item_len) {
        Some(expected) if expected == len => Ok(()),
        expected => Err(PyValueError::new_err(format!(
            "{name} must hold one {item_len}-byte item per {per}: {count} x {item_len} = {} \
             bytes, got {len} bytes",
            expected.map_or_else(|| "too many".to_owned(), |bytes| bytes.to_string()),
        ))),
    }
}
