//! Ed25519 verification of many signatures: batches of `CHUNK`, one by one where a batch fails.
//!
//! Results match `VerifyingKey::verify_strict` (the Solana Ed25519 precompile's check) for every
//! input whose key and `R` have no small-order component mixed in, i.e. for every signature made
//! with an honestly generated key. Inputs that `verify_strict` rejects by their encoding alone
//! (undecodable or small-order key, non-canonical `s`, non-canonical or small-order `R`) are
//! rejected before batching, so they neither pass nor sink a batch. What remains different: the
//! batch equation is cofactorless with random 128-bit weights, so a signature whose `R` (or key)
//! carries a torsion component — only its key holder can make one — passes a batch with
//! probability up to 1/2 where `verify_strict` always rejects it.

use std::sync::LazyLock;

use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signature, VerifyingKey, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH};

use crate::parallel::map_ranges;

/// Signatures per batch equation: large enough to amortise the multiscalar multiplication,
/// small enough that a forged signature costs little to isolate (see bench/ed25519.py).
pub const CHUNK: usize = 256;

/// Below this many signatures a batch costs more per signature than `verify_strict`
/// (measured here: a batch of 4 costs 36 us per signature, of 8 30 us, `verify_strict` 32 us).
const MIN_BATCH: usize = 8;

/// `y` coordinates (sign bit cleared) of the eight small-order points.
static SMALL_ORDER_Y: LazyLock<Vec<[u8; 32]>> = LazyLock::new(|| {
    EIGHT_TORSION
        .iter()
        .map(|point| {
            let mut y = point.compress().to_bytes();
            y[31] &= 0x7f;
            y
        })
        .collect()
});

/// Contiguous buffers of `count` keys, messages and signatures, item `i` at `i * size`.
#[derive(Clone, Copy)]
pub struct Signed<'a> {
    pub public_keys: &'a [u8],
    pub messages: &'a [u8],
    pub message_len: usize,
    pub signatures: &'a [u8],
}

impl Signed<'_> {
    pub fn count(&self) -> usize {
        self.signatures.len() / SIGNATURE_LENGTH
    }

    fn key(&self, index: usize) -> &[u8; PUBLIC_KEY_LENGTH] {
        as_array(&self.public_keys[index * PUBLIC_KEY_LENGTH..][..PUBLIC_KEY_LENGTH])
    }

    fn message(&self, index: usize) -> &[u8] {
        &self.messages[index * self.message_len..][..self.message_len]
    }

    fn signature(&self, index: usize) -> &[u8; SIGNATURE_LENGTH] {
        as_array(&self.signatures[index * SIGNATURE_LENGTH..][..SIGNATURE_LENGTH])
    }
}

/// One result per signature, in order, computed on up to `threads` threads.
pub fn verify_all(signed: Signed<'_>, threads: usize) -> Vec<bool> {
    map_ranges(signed.count(), threads, CHUNK, |range| {
        let mut valid = Vec::with_capacity(range.len());
        let mut start = range.start;
        while start < range.end {
            let end = (start + CHUNK).min(range.end);
            valid.extend(verify_chunk(signed, start, end));
            start = end;
        }
        valid
    })
    .concat()
}

fn verify_chunk(signed: Signed<'_>, start: usize, end: usize) -> Vec<bool> {
    let mut valid = vec![false; end - start];
    let mut candidates = Vec::with_capacity(end - start);
    for index in start..end {
        if let Some((key, signature)) = screen(signed.key(index), signed.signature(index)) {
            candidates.push((index, key, signature));
        }
    }
    let batch_holds = candidates.len() >= MIN_BATCH && {
        let messages: Vec<&[u8]> = candidates.iter().map(|c| signed.message(c.0)).collect();
        let signatures: Vec<Signature> = candidates.iter().map(|c| c.2).collect();
        let keys: Vec<VerifyingKey> = candidates.iter().map(|c| c.1).collect();
        ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
    };
    for (index, key, signature) in &candidates {
        valid[index - start] =
            batch_holds || key.verify_strict(signed.message(*index), signature).is_ok();
    }
    valid
}

/// The decoded key and signature, or None if `verify_strict` would reject them unseen.
fn screen(
    key: &[u8; PUBLIC_KEY_LENGTH],
    signature: &[u8; SIGNATURE_LENGTH],
) -> Option<(VerifyingKey, Signature)> {
    let key = VerifyingKey::from_bytes(key)
        .ok()
        .filter(|key| !key.is_weak())?;
    let signature = Signature::from_bytes(signature);
    let s_is_canonical = bool::from(Scalar::from_canonical_bytes(*signature.s_bytes()).is_some());
    (s_is_canonical && r_may_verify(signature.r_bytes())).then_some((key, signature))
}

/// `verify_strict` compares `R` with a canonical encoding of a point of large order.
fn r_may_verify(r: &[u8; 32]) -> bool {
    let mut y = *r;
    y[31] &= 0x7f;
    y_is_canonical(&y) && !SMALL_ORDER_Y.contains(&y)
}

/// `y < 2^255 - 19`, for `y` read little-endian with its top bit clear.
fn y_is_canonical(y: &[u8; 32]) -> bool {
    let all_ones_above = y[31] == 0x7f && y[1..31].iter().all(|&byte| byte == 0xff);
    !(all_ones_above && y[0] >= 0xed)
}

fn as_array<const N: usize>(slice: &[u8]) -> &[u8; N] {
    slice.try_into().expect("callers slice exactly N bytes")
}
