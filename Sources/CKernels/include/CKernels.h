#ifndef EXPLAINKIT_CKERNELS_H
#define EXPLAINKIT_CKERNELS_H
/*
 * Small-matrix kernels for model evaluation, with their own CPU dispatch (AVX2 + FMA when the CPU has them, portable C
 * otherwise). They are independent of OpenBLAS's kernel choice, so OPENBLAS_CORETYPE does not bind them.
 *
 * Every output element is one chain of fused multiply-adds over k in increasing order, started from its bias, on every
 * path and at every position in a batch: a row's result never depends on the rows computed with it, on the machine's
 * vector width, or on the thread that computed it.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Outputs are computed in panels of this many; packed weights and biases are padded to a multiple of it. */
#define EK_PANEL 8

/* The number of floats ek_pack_weights writes for an [outputs x inputs] weight. */
size_t ek_packed_count(long outputs, long inputs);

/* Packs a row-major [outputs x inputs] weight W into panels: packed[(p * inputs + j) * EK_PANEL + q] = W[p*EK_PANEL + q][j],
 * zero where p*EK_PANEL + q >= outputs. */
void ek_pack_weights(const float *weight, long outputs, long inputs, float *packed);

/*
 * y[r][o] = act(bias[o] + sum_j a(r, j) * W[o][j]) for r < rows, o < outputs, where the row's k = segments *
 * segment_length inputs are read in segments: a(r, s * segment_length + t) = a[r * row_stride + s * segment_stride + t].
 * A dense layer is one segment (segment_length = k, row_stride = k); a convolution's patch is one segment per window row.
 * `packed` comes from ek_pack_weights with inputs = k; `bias` holds at least `outputs` values. relu != 0 applies
 * max(v, 0) with NaN sent to 0. y has row stride ldy >= outputs.
 */
void ek_affine(const float *a, long rows, long row_stride, long segments, long segment_length, long segment_stride,
               const float *packed, const float *bias, long outputs, float *y, long ldy, int relu);

/* Which path ek_affine takes on this CPU: 2 for AVX2 + FMA, 0 for portable C. */
int ek_affine_path(void);

/*
 * The single-core fused multiply-add peak in GFLOP/s (2 flops per lane per FMA), from a loop of independent vector FMAs
 * of the given width in bits (256 for AVX2 + FMA, 512 for AVX-512F) running for about `seconds`. Returns 0 when the CPU
 * lacks the instructions.
 */
double ek_fma_peak_gflops(int width_bits, double seconds);

#ifdef __cplusplus
}
#endif
#endif
