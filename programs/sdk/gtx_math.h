// Checked integer arithmetic for money and energy amounts. Every function returns true when
// the exact result does not fit (or a divisor is zero), like __builtin_*_overflow, and
// then leaves the output unspecified. 128-bit steps are written by hand because upstream
// clang has no __int128 multiply/divide libcalls for BPF.
#ifndef GTX_MATH_H
#define GTX_MATH_H

#include "gtx_types.h"

#define GTX_LOW32_MASK ((uint64_t)0xffffffff)

static inline bool gtx_add_overflow(uint64_t left, uint64_t right, uint64_t *sum) {
  *sum = left + right;
  return *sum < left;
}

static inline bool gtx_sub_overflow(uint64_t left, uint64_t right, uint64_t *difference) {
  *difference = left - right;
  return right > left;
}

static inline void gtx_mul_wide(uint64_t left, uint64_t right, GtxU128 *product) {
  uint64_t left_lo = left & GTX_LOW32_MASK;
  uint64_t left_hi = left >> 32;
  uint64_t right_lo = right & GTX_LOW32_MASK;
  uint64_t right_hi = right >> 32;
  uint64_t lo_lo = left_lo * right_lo;
  uint64_t lo_hi = left_lo * right_hi;
  uint64_t hi_lo = left_hi * right_lo;
  uint64_t hi_hi = left_hi * right_hi;
  // Three 32-bit values summed: at most 3 * (2^32 - 1), no 64-bit overflow.
  uint64_t middle = (lo_lo >> 32) + (lo_hi & GTX_LOW32_MASK) + (hi_lo & GTX_LOW32_MASK);
  product->lo = (lo_lo & GTX_LOW32_MASK) | (middle << 32);
  product->hi = hi_hi + (lo_hi >> 32) + (hi_lo >> 32) + (middle >> 32);
}

static inline bool gtx_mul_overflow(uint64_t left, uint64_t right, uint64_t *product) {
  GtxU128 wide;
  gtx_mul_wide(left, right, &wide);
  *product = wide.lo;
  return wide.hi != 0;
}

static inline uint64_t gtx_leading_zeros(uint64_t value) {
  uint64_t zeros = 0;
  if (value == 0) {
    return 64;
  }
  // Binary search: BPF has no count-leading-zeros instruction.
  if ((value >> 32) == 0) { zeros += 32; value <<= 32; }
  if ((value >> 48) == 0) { zeros += 16; value <<= 16; }
  if ((value >> 56) == 0) { zeros += 8; value <<= 8; }
  if ((value >> 60) == 0) { zeros += 4; value <<= 4; }
  if ((value >> 62) == 0) { zeros += 2; value <<= 2; }
  if ((value >> 63) == 0) { zeros += 1; }
  return zeros;
}

// One step of schoolbook division in base 2^32: the digit of (high:next_digit) / divisor,
// where high < divisor and divisor is normalized (top bit set). Corrects the estimate made
// from the divisor's top half; at most two corrections are ever needed.
static inline uint64_t gtx_div_digit(uint64_t high, uint64_t next_digit, uint64_t divisor) {
  uint64_t divisor_hi = divisor >> 32;
  uint64_t divisor_lo = divisor & GTX_LOW32_MASK;
  uint64_t digit = high / divisor_hi;
  uint64_t remainder = high - digit * divisor_hi;
  while (digit > GTX_LOW32_MASK || digit * divisor_lo > ((remainder << 32) | next_digit)) {
    digit -= 1;
    remainder += divisor_hi;
    if (remainder > GTX_LOW32_MASK) {
      break;
    }
  }
  return digit;
}

// quotient = dividend / divisor, remainder = dividend % divisor; overflow when the quotient
// needs more than 64 bits (dividend.hi >= divisor) or divisor is zero.
static inline bool gtx_div_wide(const GtxU128 *dividend, uint64_t divisor, uint64_t *quotient,
                                uint64_t *remainder) {
  if (divisor == 0 || dividend->hi >= divisor) {
    return true;
  }
  uint64_t shift = gtx_leading_zeros(divisor);
  uint64_t normalized = divisor << shift;
  uint64_t high = dividend->hi << shift;
  if (shift != 0) {
    high |= dividend->lo >> (64 - shift);
  }
  uint64_t low = dividend->lo << shift;
  uint64_t digit1 = gtx_div_digit(high, low >> 32, normalized);
  // Wrapping arithmetic is exact here: the true partial remainder is below `normalized`.
  uint64_t partial = (high << 32) + (low >> 32) - digit1 * normalized;
  uint64_t digit0 = gtx_div_digit(partial, low & GTX_LOW32_MASK, normalized);
  *quotient = (digit1 << 32) | digit0;
  *remainder = ((partial << 32) + (low & GTX_LOW32_MASK) - digit0 * normalized) >> shift;
  return false;
}

// floor(left * right / divisor), e.g. price (per MWh) * energy (Wh) / 1_000_000.
static inline bool gtx_mul_div_floor(uint64_t left, uint64_t right, uint64_t divisor,
                                     uint64_t *result) {
  GtxU128 product;
  uint64_t remainder;
  gtx_mul_wide(left, right, &product);
  return gtx_div_wide(&product, divisor, result, &remainder);
}

// ceil(left * right / divisor): fees rounded in the protocol's favour.
static inline bool gtx_mul_div_ceil(uint64_t left, uint64_t right, uint64_t divisor,
                                    uint64_t *result) {
  GtxU128 product;
  uint64_t remainder;
  gtx_mul_wide(left, right, &product);
  if (gtx_div_wide(&product, divisor, result, &remainder)) {
    return true;
  }
  if (remainder == 0) {
    return false;
  }
  return gtx_add_overflow(*result, 1, result);
}

#endif
