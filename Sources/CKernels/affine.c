/* ek_affine: y = act(bias + A W^T) for small dense layers and unrolled convolutions (see CKernels.h). */
#include "CKernels.h"
#include <math.h>
#include <string.h>

size_t ek_packed_count(long outputs, long inputs) {
    return (size_t)((outputs + EK_PANEL - 1) / EK_PANEL) * (size_t)inputs * EK_PANEL;
}

void ek_pack_weights(const float *weight, long outputs, long inputs, float *packed) {
    long panels = (outputs + EK_PANEL - 1) / EK_PANEL;
    for (long p = 0; p < panels; p++) {
        for (long j = 0; j < inputs; j++) {
            float *to = packed + (p * inputs + j) * EK_PANEL;
            for (long q = 0; q < EK_PANEL; q++) {
                long o = p * EK_PANEL + q;
                to[q] = o < outputs ? weight[o * inputs + j] : 0.0f;
            }
        }
    }
}

/* The reference path: the same chain of fused multiply-adds per element as the vector path. */
static void affine_portable(const float *a, long rows, long row_stride, long segments, long segment_length,
                            long segment_stride, const float *packed, const float *bias, long outputs, float *y,
                            long ldy, int relu) {
    long k = segments * segment_length;
    for (long r = 0; r < rows; r++) {
        for (long o = 0; o < outputs; o++) {
            const float *w = packed + (o / EK_PANEL) * k * EK_PANEL + o % EK_PANEL;
            float acc = bias[o];
            for (long s = 0; s < segments; s++) {
                const float *x = a + r * row_stride + s * segment_stride;
                for (long t = 0; t < segment_length; t++, w += EK_PANEL) acc = fmaf(x[t], *w, acc);
            }
            y[r * ldy + o] = relu ? (acc > 0 ? acc : 0.0f) : acc;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#define EK_AVX2 __attribute__((target("avx2,fma")))

/* The panel's bias as a vector; `valid` of its EK_PANEL lanes are outputs. */
EK_AVX2 static inline __m256 bias_panel(const float *bias, long valid) {
    if (valid >= EK_PANEL) return _mm256_loadu_ps(bias);
    float padded[EK_PANEL] = {0};
    memcpy(padded, bias, (size_t)valid * sizeof(float));
    return _mm256_loadu_ps(padded);
}

EK_AVX2 static inline void store_panel(float *to, __m256 v, long valid) {
    if (valid >= EK_PANEL) { _mm256_storeu_ps(to, v); return; }
    float lanes[EK_PANEL];
    _mm256_storeu_ps(lanes, v);
    memcpy(to, lanes, (size_t)valid * sizeof(float));
}

/* A tile of R rows by P panels: R*P accumulators in registers, one broadcast of a(r, j) per row and one panel load per
 * panel for each j. `valid` is the number of outputs in the tile (P*EK_PANEL unless it is the layer's last tile). */
#define EK_TILE(R, P)                                                                                                 \
    EK_AVX2 static void tile_##R##_##P(const float *a, long row_stride, long segments, long segment_length,            \
                                       long segment_stride, const float *w, long panel_stride, const float *bias,     \
                                       long valid, float *y, long ldy, int relu) {                                    \
        __m256 acc[R][P];                                                                                             \
        for (int p = 0; p < P; p++) {                                                                                 \
            __m256 b = bias_panel(bias + p * EK_PANEL, valid - p * EK_PANEL);                                         \
            for (int r = 0; r < R; r++) acc[r][p] = b;                                                                \
        }                                                                                                             \
        for (long s = 0; s < segments; s++) {                                                                         \
            const float *x = a + s * segment_stride;                                                                  \
            for (long t = 0; t < segment_length; t++, w += EK_PANEL) {                                                \
                __m256 wv[P];                                                                                         \
                for (int p = 0; p < P; p++) wv[p] = _mm256_loadu_ps(w + p * panel_stride);                           \
                for (int r = 0; r < R; r++) {                                                                         \
                    __m256 xv = _mm256_broadcast_ss(x + r * row_stride + t);                                          \
                    for (int p = 0; p < P; p++) acc[r][p] = _mm256_fmadd_ps(xv, wv[p], acc[r][p]);                    \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
        __m256 zero = _mm256_setzero_ps();                                                                            \
        for (int r = 0; r < R; r++) {                                                                                 \
            for (int p = 0; p < P; p++) {                                                                             \
                /* max(v, 0) returns its second operand, 0, when v is NaN, as the portable path does. */              \
                __m256 v = relu ? _mm256_max_ps(acc[r][p], zero) : acc[r][p];                                         \
                store_panel(y + r * ldy + p * EK_PANEL, v, valid - p * EK_PANEL);                                     \
            }                                                                                                         \
        }                                                                                                             \
    }

EK_TILE(1, 1) EK_TILE(2, 1) EK_TILE(3, 1) EK_TILE(4, 1) EK_TILE(5, 1) EK_TILE(6, 1) EK_TILE(7, 1) EK_TILE(8, 1)
EK_TILE(1, 2) EK_TILE(2, 2) EK_TILE(3, 2) EK_TILE(4, 2) EK_TILE(5, 2) EK_TILE(6, 2)

typedef void (*tile_fn)(const float *, long, long, long, long, const float *, long, const float *, long, float *, long,
                        int);
static const tile_fn single_panel[9] = {0, tile_1_1, tile_2_1, tile_3_1, tile_4_1, tile_5_1, tile_6_1, tile_7_1, tile_8_1};
static const tile_fn panel_pair[7] = {0, tile_1_2, tile_2_2, tile_3_2, tile_4_2, tile_5_2, tile_6_2};

/* Panel pairs (6-row tiles), then a last single panel (8-row tiles); each panel pair's weights stay in L1 while the
 * rows stream past them. */
static void affine_avx2(const float *a, long rows, long row_stride, long segments, long segment_length,
                        long segment_stride, const float *packed, const float *bias, long outputs, float *y, long ldy,
                        int relu) {
    long k = segments * segment_length, panel_stride = k * EK_PANEL, panels = (outputs + EK_PANEL - 1) / EK_PANEL;
    long p = 0;
    for (; p + 2 <= panels; p += 2) {
        for (long r = 0; r < rows; r += 6) {
            long n = rows - r < 6 ? rows - r : 6;
            panel_pair[n](a + r * row_stride, row_stride, segments, segment_length, segment_stride,
                          packed + p * panel_stride, panel_stride, bias + p * EK_PANEL, outputs - p * EK_PANEL,
                          y + r * ldy + p * EK_PANEL, ldy, relu);
        }
    }
    if (p < panels) {
        for (long r = 0; r < rows; r += 8) {
            long n = rows - r < 8 ? rows - r : 8;
            single_panel[n](a + r * row_stride, row_stride, segments, segment_length, segment_stride,
                            packed + p * panel_stride, panel_stride, bias + p * EK_PANEL, outputs - p * EK_PANEL,
                            y + r * ldy + p * EK_PANEL, ldy, relu);
        }
    }
}

int ek_affine_path(void) {
    /* Idempotent, so threads racing to fill it store the same value; atomics keep that race defined. */
    static int path = -1;
    int known = __atomic_load_n(&path, __ATOMIC_RELAXED);
    if (known >= 0) return known;
    known = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 2 : 0;
    __atomic_store_n(&path, known, __ATOMIC_RELAXED);
    return known;
}
#else
int ek_affine_path(void) { return 0; }
#endif

void ek_affine(const float *a, long rows, long row_stride, long segments, long segment_length, long segment_stride,
               const float *packed, const float *bias, long outputs, float *y, long ldy, int relu) {
    if (rows <= 0 || outputs <= 0) return;
#if defined(__x86_64__)
    if (ek_affine_path() == 2) {
        affine_avx2(a, rows, row_stride, segments, segment_length, segment_stride, packed, bias, outputs, y, ldy, relu);
        return;
    }
#endif
    affine_portable(a, rows, row_stride, segments, segment_length, segment_stride, packed, bias, outputs, y, ldy, relu);
}
