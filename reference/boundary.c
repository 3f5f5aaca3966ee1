/*
 * reference/boundary: wire encodings and the message log. See boundary.h.
 */
#include "reference/boundary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- element conversions ----

static uint32_t bits_of(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

uint16_t ref_fp32_to_fp16(float x)
{
    const uint32_t u = bits_of(x);
    const uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    const uint32_t absu = u & 0x7fffffffu;
    if (absu >= 0x7f800000u) // inf stays inf, NaN stays a quiet NaN
        return (uint16_t)(sign | 0x7c00u | (absu > 0x7f800000u ? 0x0200u : 0u));
    if (absu >= 0x477ff000u) // rounds to >= 65520: overflow to infinity
        return (uint16_t)(sign | 0x7c00u);
    if (absu < 0x38800000u) {
        // below 2^-14: a subnormal half, value = m * 2^-24. Scale so the
        // integer part is m and let the FPU round to nearest even.
        const float scaled = float_of(absu) * 16777216.0f; // * 2^24
        return (uint16_t)(sign | (uint16_t)lrintf(scaled));
    }
    // normal: rebias the exponent (127 -> 15) and round 13 dropped bits
    const uint32_t mant_exp = absu - 0x38000000u; // exponent - 112
    const uint32_t dropped = mant_exp & 0x1fffu;
    uint32_t h = mant_exp >> 13;
    if (dropped > 0x1000u || (dropped == 0x1000u && (h & 1u)))
        h += 1; // a carry into the exponent is the right answer
    return (uint16_t)(sign | h);
}

float ref_fp16_to_fp32(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    if (exp == 0) // zero or subnormal: m * 2^-24
        return float_of(sign) + (sign ? -1.0f : 1.0f) * (float)mant * 5.9604644775390625e-8f;
    if (exp == 31)
        return float_of(sign | 0x7f800000u | (mant << 13));
    return float_of(sign | ((exp + 112u) << 23) | (mant << 13));
}

uint16_t ref_fp32_to_bf16(float x)
{
    const uint32_t u = bits_of(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) // NaN: keep it quiet
        return (uint16_t)((u >> 16) | 0x0040u);
    const uint32_t round = 0x7fffu + ((u >> 16) & 1u); // to nearest even
    return (uint16_t)((u + round) >> 16);
}

float ref_bf16_to_fp32(uint16_t h)
{
    return float_of((uint32_t)h << 16);
}

// ---- tensor encodings ----

/* int8 row: scale = max|x| / 127, q = round(x / scale) in [-127, 127]. */
static void encode_int8_row(const float *x, int64_t n, uint8_t *wire)
{
    float amax = 0.0f;
    for (int64_t i = 0; i < n; i++)
        amax = fmaxf(amax, fabsf(x[i]));
    const float scale = amax / 127.0f;
    const float inv = scale > 0.0f ? 1.0f / scale : 0.0f;
    memcpy(wire, &scale, sizeof scale);
    int8_t *q = (int8_t *)(wire + sizeof scale);
    for (int64_t i = 0; i < n; i++) {
        const long v = lrintf(x[i] * inv);
        q[i] = (int8_t)(v > 127 ? 127 : (v < -127 ? -127 : v));
    }
}

static void decode_int8_row(const uint8_t *wire, int64_t n, float *x)
{
    float scale;
    memcpy(&scale, wire, sizeof scale);
    const int8_t *q = (const int8_t *)(wire + sizeof scale);
    for (int64_t i = 0; i < n; i++)
        x[i] = (float)q[i] * scale;
}

int64_t ref_encode(enum ref_dtype t, const float *src, int64_t rows,
                   int64_t row_len, uint8_t *wire)
{
    const int64_t n = rows * row_len;
    switch (t) {
    case REF_DTYPE_FP32:
        memcpy(wire, src, (size_t)n * sizeof(float));
        break;
    case REF_DTYPE_FP16:
    case REF_DTYPE_BF16:
        for (int64_t i = 0; i < n; i++) {
            const uint16_t h = t == REF_DTYPE_FP16 ? ref_fp32_to_fp16(src[i])
                                                   : ref_fp32_to_bf16(src[i]);
            memcpy(wire + 2 * i, &h, sizeof h);
        }
        break;
    case REF_DTYPE_INT8:
        for (int64_t r = 0; r < rows; r++)
            encode_int8_row(src + r * row_len, row_len,
                            wire + r * (row_len + 4));
        break;
    case REF_DTYPE_I32:
    case REF_DTYPE_COUNT:
        SIM_ASSERT(0, "activations cannot be encoded as %s", ref_dtype_name(t));
    }
    return ref_dtype_tensor_bytes(t, rows, row_len);
}

void ref_decode(enum ref_dtype t, const uint8_t *wire, int64_t rows,
                int64_t row_len, float *dst)
{
    const int64_t n = rows * row_len;
    switch (t) {
    case REF_DTYPE_FP32:
        memmove(dst, wire, (size_t)n * sizeof(float));
        break;
    case REF_DTYPE_FP16:
    case REF_DTYPE_BF16:
        for (int64_t i = 0; i < n; i++) {
            uint16_t h;
            memcpy(&h, wire + 2 * i, sizeof h);
            dst[i] = t == REF_DTYPE_FP16 ? ref_fp16_to_fp32(h) : ref_bf16_to_fp32(h);
        }
        break;
    case REF_DTYPE_INT8:
        for (int64_t r = 0; r < rows; r++)
            decode_int8_row(wire + r * (row_len + 4), row_len, dst + r * row_len);
        break;
    case REF_DTYPE_I32:
    case REF_DTYPE_COUNT:
        SIM_ASSERT(0, "activations cannot be decoded as %s", ref_dtype_name(t));
    }
}

// ---- the boundary ----

struct ref_boundary *ref_boundary_create(enum ref_dtype dtype,
                                         int64_t max_msg_bytes)
{
    SIM_ASSERT(max_msg_bytes >= 0, "negative wire size");
    struct ref_boundary *b = sim_xcalloc(1, sizeof *b);
    b->dtype = dtype;
    b->wire_cap = (size_t)max_msg_bytes;
    b->wire = sim_xmalloc(b->wire_cap);
    return b;
}

void ref_boundary_destroy(struct ref_boundary *b)
{
    if (b == NULL)
        return;
    free(b->log);
    free(b->wire);
    free(b);
}

void ref_boundary_clear_log(struct ref_boundary *b)
{
    b->n_log = 0;
}

static void log_push(struct ref_boundary *b, const struct ref_msg_record *m)
{
    if (b->n_log == b->cap_log) {
        const int cap = b->cap_log ? 2 * b->cap_log : 64;
        struct ref_msg_record *grown = realloc(b->log, (size_t)cap * sizeof *grown);
        SIM_ASSERT(grown != NULL, "out of memory growing the message log");
        b->log = grown;
        b->cap_log = cap;
    }
    b->log[b->n_log++] = *m;
}

void ref_boundary_reserve(struct ref_boundary *b, int64_t max_msg_bytes)
{
    if (max_msg_bytes <= 0 || (size_t)max_msg_bytes <= b->wire_cap)
        return;
    free(b->wire);
    b->wire_cap = (size_t)max_msg_bytes;
    b->wire = sim_xmalloc(b->wire_cap);
}

int64_t ref_boundary_transfer(struct ref_boundary *b, enum ref_place dir,
                              enum ref_op op, int64_t layer, int ndim,
                              const int64_t *shape, const float *src,
                              float *dst)
{
    SIM_ASSERT(ndim >= 1 && ndim <= 3, "bad rank %d", ndim);
    SIM_ASSERT(dir == REF_LINK_UP || dir == REF_LINK_DOWN, "not a link");
    int64_t rows = 1;
    for (int i = 0; i < ndim - 1; i++)
        rows *= shape[i];
    const int64_t row_len = shape[ndim - 1];
    const int64_t need = ref_dtype_tensor_bytes(b->dtype, rows, row_len);
    SIM_ASSERT((size_t)need <= b->wire_cap,
               "message %s of %lld bytes exceeds the planned %zu", ref_op_name(op),
               (long long)need, b->wire_cap);
    const int64_t sent = ref_encode(b->dtype, src, rows, row_len, b->wire);
    ref_decode(b->dtype, b->wire, rows, row_len, dst);
    struct ref_msg_record m;
    memset(&m, 0, sizeof m);
    m.op = op;
    m.dir = dir;
    m.layer = layer;
    m.ndim = ndim;
    for (int i = 0; i < ndim; i++)
        m.shape[i] = shape[i];
    m.dtype = b->dtype;
    m.bytes = sent;
    log_push(b, &m);
    return sent;
}

int64_t ref_boundary_transfer_ids(struct ref_boundary *b, enum ref_place dir,
                                  enum ref_op op, int64_t n, const int32_t *src,
                                  int32_t *dst)
{
    SIM_ASSERT(dir == REF_LINK_UP || dir == REF_LINK_DOWN, "not a link");
    const int64_t need = ref_dtype_tensor_bytes(REF_DTYPE_I32, n, 1);
    SIM_ASSERT((size_t)need <= b->wire_cap, "message %s of %lld bytes exceeds the planned %zu",
               ref_op_name(op), (long long)need, b->wire_cap);
    for (int64_t i = 0; i < n; i++) { // little-endian, whatever the host
        const uint32_t u = (uint32_t)src[i];
        for (int k = 0; k < 4; k++)
            b->wire[4 * i + k] = (uint8_t)(u >> (8 * k));
    }
    for (int64_t i = 0; i < n; i++) {
        uint32_t u = 0;
        for (int k = 0; k < 4; k++)
            u |= (uint32_t)b->wire[4 * i + k] << (8 * k);
        dst[i] = (int32_t)u;
    }
    struct ref_msg_record m;
    memset(&m, 0, sizeof m);
    m.op = op;
    m.dir = dir;
    m.layer = -1;
    m.ndim = 1;
    m.shape[0] = n;
    m.dtype = REF_DTYPE_I32;
    m.bytes = need;
    log_push(b, &m);
    return need;
}
