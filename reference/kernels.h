/*
 * reference/kernels: the fp32 operators of a Llama-family forward pass,
 * one function per op, output first, flat row-major arrays.
 *
 * Dimension legend used in every shape comment of reference/:
 *   N   rows of activations in one step = batch x tokens per sequence
 *   d   model width (dim)          kv  width of k and v = n_kv_heads*hs
 *   h   MLP hidden width           V   vocabulary size
 *   hs  head size = d / n_heads    r   adapter rank
 *   T   context length (cached positions, including the new ones)
 *
 * Next to each kernel is its pure cost function: FLOPs counted as
 * 2 per multiply-add (dense), bytes as the fp32 operands it reads.
 * accounting.c does not call these directly for weights (their
 * precision is a parameter there) but uses the same FLOP formulas.
 *
 * These kernels are a readable reference, parallelised with OpenMP over
 * independent rows; they are not a tuned BLAS.
 */
#ifndef REFERENCE_KERNELS_H
#define REFERENCE_KERNELS_H

#include <stdint.h>

/* FLOPs, weights and bytes of one kernel call. The plan's compute
 * stages are sums of these (reference/accounting), and the reference's
 * plan interpreter adds them up for the kernels it really calls, so a
 * test can check the two agree stage by stage. Elementwise kernels
 * (rotary, softmax, SwiGLU, residual add) are not counted, by
 * convention: they have no cost function. */
struct ref_cost {
    double flop;   /* dense floating-point operations (a count) */
    double params; /* weight elements read (0 for activations-only ops) */
    double bytes;  /* bytes of operands read (fp32) */
    double calls;  /* calls of parallel kernels (matmul, attention), which
                      each start the OpenMP threads; 0 for the serial ones */
};

/* a += b, field by field. */
void ref_cost_add(struct ref_cost *a, struct ref_cost b);

/* x (N,n) @ W^T, W (dout,n) -> out (N,dout). out must not alias x.
 * Cost: 2*N*n*dout FLOPs, n*dout weights. */
void ref_matmul(float *out, const float *x, const float *w, int64_t N,
                int64_t n, int64_t dout);
struct ref_cost ref_matmul_cost(int64_t N, int64_t n, int64_t dout);

/* out (N,d) = x (N,d) / rms(x) * weight (d,), rms with eps inside the
 * square root: x / sqrt(mean(x^2) + eps). out may alias x.
 * Cost: 4*N*d FLOPs, d weights. */
void ref_rmsnorm(float *out, const float *x, const float *weight, int64_t N,
                 int64_t d, float eps);
struct ref_cost ref_rmsnorm_cost(int64_t N, int64_t d);

/* Rotates x (N, n_heads*hs) in place: within each head, the adjacent
 * pair (2i, 2i+1) at position pos[row] turns by pos * base^(-2i/hs),
 * as in Meta's original Llama code (not the half-split HF layout). */
void ref_rope(float *x, const int64_t *pos, int64_t N, int64_t n_heads,
              int64_t hs, float base);

/* In-place softmax of x (n,). */
void ref_softmax(float *x, int64_t n);

/* Causal grouped-query attention for one sequence.
 * q (n_new, n_heads*hs) at positions pos0..pos0+n_new-1,
 * k_cache, v_cache (T_max, kv) already holding positions 0..pos0+n_new-1,
 * out (n_new, n_heads*hs). Query head i reads kv head i / (n_heads/n_kv).
 * att is a caller-owned workspace of n_new*n_heads*(pos0+n_new) floats. */
void ref_attention(float *out, float *att, const float *q,
                   const float *k_cache, const float *v_cache, int64_t n_new,
                   int64_t pos0, int64_t n_heads, int64_t n_kv_heads,
                   int64_t hs);
/* Matmul FLOPs of attention for n_new queries after pos0 cached ones:
 * QK^T and AV, each 2*hs per (query, head, key); the softmax's
 * exponentials are not counted. Bytes: the K and V rows read. */
struct ref_cost ref_attention_cost(int64_t n_new, int64_t pos0,
                                   int64_t n_heads, int64_t n_kv_heads,
                                   int64_t hs);

/* out (N,d) = rows tokens[0..N) of table (V,d): the embedding lookup.
 * Token ids must be in [0, V); the caller checks them. */
void ref_embed(float *out, const float *table, const int32_t *tokens, int64_t N, int64_t d);
/* Cost: no FLOPs, N*d weights read (one table row per token). */
struct ref_cost ref_embed_cost(int64_t N, int64_t d);

/* out (N,h) = silu(g) * u elementwise, g and u (N,h). out may alias g. */
void ref_swiglu(float *out, const float *g, const float *u, int64_t n);

/* out (N,d) += x (N,d). */
void ref_add(float *out, const float *x, int64_t n);

/* Index of the largest of x (n,), the first one on ties. */
int64_t ref_argmax(const float *x, int64_t n);

#endif
