//! RFC 8032 Ed25519 signing of many messages, each with its own key.

use ed25519_dalek::{Signer, SigningKey, SECRET_KEY_LENGTH, SIGNATURE_LENGTH};

use crate::parallel::map_ranges;

/// Items per thread below which spawning a thread costs more than it saves.
const GRAIN: usize = 64;

/// The signing keys of 32-byte `seeds` (each derives its public key: one base-point
/// multiplication, done here once rather than at every signature).
pub fn keys_from_seeds(seeds: &[u8], threads: usize) -> Vec<SigningKey> {
    let count = seeds.len() / SECRET_KEY_LENGTH;
    map_ranges(count, threads, GRAIN, |range| {
        seeds[range.start * SECRET_KEY_LENGTH..range.end * SECRET_KEY_LENGTH]
            .chunks_exact(SECRET_KEY_LENGTH)
            .map(|seed| SigningKey::from_bytes(seed.try_into().expect("chunks are 32 bytes")))
            .collect::<Vec<_>>()
    })
    .concat()
}

/// Signature `i` (64 bytes) is message `i` signed with key `i`; one buffer per thread, in order.
pub fn sign_all(
    keys: &[SigningKey],
    messages: &[u8],
    message_len: usize,
    threads: usize,
) -> Vec<Vec<u8>> {
    map_ranges(keys.len(), threads, GRAIN, |range| {
        let mut signatures = Vec::with_capacity(range.len() * SIGNATURE_LENGTH);
        for index in range {
            let message = &messages[index * message_len..][..message_len];
            signatures.extend_from_slice(&keys[index].sign(message).to_bytes());
        }
        signatures
    })
}
