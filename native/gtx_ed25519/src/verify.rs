//! Ed25519 verification of many signatures: batches of `CHUNK`, one by one where a batch fails.
//!
//! Results match `VerifyingKey::verify_strict` (the Solana Ed25519 precompile's check) for every
//! input whose key and `R` have no small-order component mixed in, i.e. for every signature made
//! with an honestly generated key. Inputs that `verify_strict` rejects by their encoding alone
//! (undecodable or small-order key, non-canonical `s`, non-canonical, undecodable or small-order
//! `R`) are rejected before batching, so they neither pass nor sink a batch. What remains
//! different: the batch equation is cofactorless with random 128-bit weights, so a signature
//! whose `R` (or key) carries a torsion component — only its key holder can make one — passes a
//! batch with probability up to 1/2 where `verify_strict` always rejects it. The weights come
//! from a secret seed drawn from the operating system at every call, so nobody can pick inputs
//! for the weights they will get.
//!
//! The batch equation `[-Σ z_i s_i] B + Σ z_i R_i + Σ_A [Σ_{i signed by A} z_i h_i] A = 0`
//! takes one term per distinct key: callers that order a chunk's signatures by key (a
//! [`crate::KeyRing`] does) pay one point per key instead of one per signature.

use std::sync::LazyLock;

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::{Signature, VerifyingKey, PUBLIC_KEY_LENGTH};
use sha2::{Digest, Sha512};

use crate::parallel::map_ranges;

/// Signatures per batch equation: large enough to amortise the multiscalar multiplication,
/// small enough that a forged signature costs little to isolate (see bench/ed25519.py).
pub const CHUNK: usize = 256;

/// Below this many signatures a batch costs more per signature than `verify_strict`
/// (measured here: a batch of 4 costs 36 us per signature, of 8 30 us, `verify_strict` 32 us).
const MIN_BATCH: usize = 8;

/// Bytes of the secret seed the batch weights are derived from.
pub const SEED_LEN: usize = 32;

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

/// A device key decoded once: `None` from [`Key::screen`] when `verify_strict` would refuse it.
pub struct Key {
    verifying: VerifyingKey,
    point: EdwardsPoint,
}

impl Key {
    /// The decoded key, or None if it does not decode or has small order.
    pub fn screen(bytes: &[u8; PUBLIC_KEY_LENGTH]) -> Option<Self> {
        let verifying = VerifyingKey::from_bytes(bytes)
            .ok()
            .filter(|key| !key.is_weak())?;
        Some(Self {
            point: verifying.to_edwards(),
            verifying,
        })
    }
}

/// One signature to check: `key` is None for a key that was screened out.
pub struct Item<'a> {
    pub key: Option<&'a Key>,
    pub message: &'a [u8],
    pub signature: &'a [u8; 64],
}

/// One result per item, in order, computed on up to `threads` threads; `seed` is secret and
/// fresh for each call. Consecutive items with the same key share one term of the equation.
pub fn verify_all(items: &[Item<'_>], threads: usize, seed: &[u8; SEED_LEN]) -> Vec<bool> {
    map_ranges(items.len(), threads, CHUNK, |range| {
        let mut valid = Vec::with_capacity(range.len());
        let mut start = range.start;
        while start < range.end {
            let end = (start + CHUNK).min(range.end);
            valid.extend(verify_chunk(&items[start..end], Weights::new(seed, start)));
            start = end;
        }
        valid
    })
    .concat()
}

/// A signature that passed the encoding screen, decoded for the batch equation.
struct Candidate<'a> {
    index: usize,
    key: &'a Key,
    message: &'a [u8],
    signature: Signature,
    r: EdwardsPoint,
    s: Scalar,
}

fn verify_chunk(items: &[Item<'_>], weights: Weights) -> Vec<bool> {
    let candidates: Vec<Candidate<'_>> = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| screen(index, item))
        .collect();
    let batch_holds = candidates.len() >= MIN_BATCH && batch_equation_holds(&candidates, weights);
    let mut valid = vec![false; items.len()];
    for candidate in &candidates {
        valid[candidate.index] = batch_holds
            || candidate
                .key
                .verifying
                .verify_strict(candidate.message, &candidate.signature)
                .is_ok();
    }
    valid
}

fn batch_equation_holds(candidates: &[Candidate<'_>], mut weights: Weights) -> bool {
    let mut scalars = Vec::with_capacity(2 * candidates.len() + 1);
    let mut points = Vec::with_capacity(2 * candidates.len() + 1);
    scalars.push(Scalar::ZERO);
    points.push(ED25519_BASEPOINT_POINT);
    let mut base_coefficient = Scalar::ZERO;
    let mut key_term: Option<(&Key, Scalar)> = None;
    for candidate in candidates {
        let z = weights.next();
        let h = challenge(candidate);
        base_coefficient += z * candidate.s;
        scalars.push(z);
        points.push(candidate.r);
        key_term = match key_term {
            Some((key, coefficient)) if std::ptr::eq(key, candidate.key) => {
                Some((key, coefficient + z * h))
            }
            previous => {
                if let Some((key, coefficient)) = previous {
                    scalars.push(coefficient);
                    points.push(key.point);
                }
                Some((candidate.key, z * h))
            }
        };
    }
    if let Some((key, coefficient)) = key_term {
        scalars.push(coefficient);
        points.push(key.point);
    }
    scalars[0] = -base_coefficient;
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).is_identity()
}

/// `h = SHA-512(R || A || M) mod L`, as RFC 8032 and `verify_strict` compute it.
fn challenge(candidate: &Candidate<'_>) -> Scalar {
    let mut hash = Sha512::new();
    hash.update(candidate.signature.r_bytes());
    hash.update(candidate.key.verifying.as_bytes());
    hash.update(candidate.message);
    Scalar::from_bytes_mod_order_wide(&hash.finalize().into())
}

/// The decoded signature, or None if `verify_strict` would reject it unseen.
fn screen<'a>(index: usize, item: &Item<'a>) -> Option<Candidate<'a>> {
    let key = item.key?;
    let signature = Signature::from_bytes(item.signature);
    let s = Option::from(Scalar::from_canonical_bytes(*signature.s_bytes()))?;
    let r_bytes = signature.r_bytes();
    if !r_may_verify(r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(*r_bytes).decompress()?;
    Some(Candidate {
        index,
        key,
        message: item.message,
        signature,
        r,
        s,
    })
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

/// 128-bit batch weights: SHA-512 of the secret seed, the chunk's first item and a counter,
/// four weights per hash.
struct Weights {
    seed: [u8; SEED_LEN],
    chunk: u64,
    counter: u64,
    block: [u8; 64],
    used: usize,
}

impl Weights {
    fn new(seed: &[u8; SEED_LEN], chunk_start: usize) -> Self {
        Self {
            seed: *seed,
            chunk: chunk_start as u64,
            counter: 0,
            block: [0; 64],
            used: 64,
        }
    }

    fn next(&mut self) -> Scalar {
        if self.used == 64 {
            let mut hash = Sha512::new();
            hash.update(b"gridtokenx batch weights");
            hash.update(self.seed);
            hash.update(self.chunk.to_le_bytes());
            hash.update(self.counter.to_le_bytes());
            self.block = hash.finalize().into();
            self.counter += 1;
            self.used = 0;
        }
        let mut weight = [0u8; 16];
        weight.copy_from_slice(&self.block[self.used..self.used + 16]);
        self.used += 16;
        Scalar::from(u128::from_le_bytes(weight))
    }
}
