#ifndef KUSARI_SHA256_H
#define KUSARI_SHA256_H

#include <stdint.h>

/// SHA-256 compression of one 64-byte block into `state` (8 words).
/// Uses the CPU's SHA extensions when present (checked once at run time),
/// otherwise portable C.
void kusari_sha256_compress(uint32_t state[8], const uint8_t block[64]);

/// The portable implementation, always available (for tests).
void kusari_sha256_compress_portable(uint32_t state[8], const uint8_t block[64]);

/// 1 when the SHA-extension implementation is in use.
int kusari_sha256_has_extensions(void);

/// The SHA-256 state after the first 128 bytes of a header (two blocks).
void kusari_sha256_midstate(const uint8_t prefix[128], uint32_t out[8]);

/// The miner's hash: SHA-256d of a 148-byte block header whose first 128
/// bytes gave `midstate`; `tail` is the header's last 20 bytes (nonce inside).
/// Writes the 32-byte digest to `out`.
void kusari_sha256d_header_tail(const uint32_t midstate[8], const uint8_t tail[20], uint8_t out[32]);

#endif
