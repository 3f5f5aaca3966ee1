/*
 * reference/boundary: the only door between the cloud half and the edge
 * half of a split forward pass.
 *
 * Every tensor that crosses is encoded to its wire type for real
 * (fp32, fp16, bf16, or int8 with one fp32 scale per row), decoded on the
 * other side, and recorded in a message log (name, direction, layer,
 * shape, element type, bytes on the wire). Tests compare that log with
 * the accounting plan, and measure what the wire type does to logits.
 *
 * Wire layout: elements row by row in little-endian order; for int8 each
 * row is its fp32 scale followed by its int8 values.
 */
#ifndef REFERENCE_BOUNDARY_H
#define REFERENCE_BOUNDARY_H

#include <stddef.h>
#include <stdint.h>

#include "reference/accounting.h"

/* One message that crossed. */
struct ref_msg_record {
    enum ref_op op;       /* REF_OP_EMBED_UP, REF_OP_ACT_DOWN, ... */
    enum ref_place dir;   /* REF_LINK_UP or REF_LINK_DOWN */
    int64_t layer;        /* decoder layer, or -1 */
    int ndim;             /* 1..3 */
    int64_t shape[3];     /* outermost first */
    enum ref_dtype dtype; /* wire element type */
    int64_t bytes;        /* encoded bytes actually produced */
};

struct ref_boundary {
    enum ref_dtype dtype;       /* wire type for activations */
    struct ref_msg_record *log; /* n_log records, owned */
    int n_log;
    int cap_log;
    uint8_t *wire;              /* encode buffer, owned */
    size_t wire_cap;            /* bytes allocated in wire */
};

/* A boundary whose wire buffer holds max_msg_bytes (take it from the
 * largest message of the step's plan; ref_boundary_reserve grows it).
 * Caller frees with ref_boundary_destroy. */
struct ref_boundary *ref_boundary_create(enum ref_dtype dtype,
                                         int64_t max_msg_bytes);
void ref_boundary_destroy(struct ref_boundary *b);

/* Grows the wire buffer to hold max_msg_bytes (a plan's largest message). */
void ref_boundary_reserve(struct ref_boundary *b, int64_t max_msg_bytes);

/* Sends src across: encodes it (rows = product of all but the last
 * dimension, row_len = the last), logs the message, decodes into dst
 * (same shape, fp32; may alias src). Returns the bytes on the wire.
 * Aborts if the message exceeds the wire buffer: the plan sized it. */
int64_t ref_boundary_transfer(struct ref_boundary *b, enum ref_place dir,
                              enum ref_op op, int64_t layer, int ndim,
                              const int64_t *shape, const float *src,
                              float *dst);

/* Sends n token ids across as little-endian int32 (element type I32,
 * shape (n,)), logs the message, and writes them to dst. Returns the
 * bytes on the wire. */
int64_t ref_boundary_transfer_ids(struct ref_boundary *b, enum ref_place dir,
                                  enum ref_op op, int64_t n, const int32_t *src,
                                  int32_t *dst);

/* Forgets the log (keeps the buffers). */
void ref_boundary_clear_log(struct ref_boundary *b);

// ---- element conversions, exposed for tests ----

/* IEEE binary16 with round-to-nearest-even, overflow to infinity,
 * subnormals kept, NaN kept a NaN. */
uint16_t ref_fp32_to_fp16(float x);
float ref_fp16_to_fp32(uint16_t h);

/* bfloat16 (the top 16 bits of binary32) with round-to-nearest-even. */
uint16_t ref_fp32_to_bf16(float x);
float ref_bf16_to_fp32(uint16_t h);

/* Encodes rows x row_len floats to wire (which holds
 * ref_dtype_tensor_bytes(t, rows, row_len) bytes); returns that count. */
int64_t ref_encode(enum ref_dtype t, const float *src, int64_t rows,
                   int64_t row_len, uint8_t *wire);
/* The inverse of ref_encode. */
void ref_decode(enum ref_dtype t, const uint8_t *wire, int64_t rows,
                int64_t row_len, float *dst);

#endif
