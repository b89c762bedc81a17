/* ek_fma_peak_gflops: the core's fused multiply-add peak, measured (see CKernels.h). */
#include "CKernels.h"
#include <time.h>

/* Where each probe leaves its result, so the compiler keeps the loop. */
static volatile float ek_sink;

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#if defined(__x86_64__)
#include <immintrin.h>

/* Twelve independent accumulators cover the FMA latency (4 cycles) on two pipes; each round is 12 FMAs of `lanes`
 * lanes. Returns the flops done. */
#define EK_FMA_LOOP(NAME, TARGET, VEC, SET1, FMA, STORE, LANES)                                                       \
    __attribute__((target(TARGET))) static double NAME(long rounds) {                                    \
        VEC acc[12];                                                                                                  \
        for (int i = 0; i < 12; i++) acc[i] = SET1(1.0f + 0.001f * (float)i);                                         \
        VEC m = SET1(0.999999f), c = SET1(1e-7f);                                                                     \
        for (long n = 0; n < rounds; n++) {                                                                           \
            for (int i = 0; i < 12; i++) acc[i] = FMA(acc[i], m, c);                                                  \
            __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]));                            \
        }                                                                                                             \
        float lanes[LANES];                                                                                           \
        for (int i = 1; i < 12; i++) acc[0] = FMA(acc[0], m, acc[i]);                                                 \
        STORE(lanes, acc[0]);                                                                                         \
        ek_sink = lanes[0];                                                                                             \
        return 2.0 * LANES * 12.0 * (double)rounds;                                                                   \
    }

EK_FMA_LOOP(fma256, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_storeu_ps, 8)
EK_FMA_LOOP(fma512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps, 16)

double ek_fma_peak_gflops(int width_bits, double seconds) {
    double (*loop)(long);
    if (width_bits == 256 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) loop = fma256;
    else if (width_bits == 512 && __builtin_cpu_supports("avx512f")) loop = fma512;
    else return 0;
    long rounds = 1 << 16;
    double best = 0, start = seconds_now();
    /* Best of repeated short runs, grown until each lasts a millisecond, for about `seconds` in all. */
    while (seconds_now() - start < seconds) {
        double t = seconds_now(), flops = loop(rounds), elapsed = seconds_now() - t;
        if (elapsed < 1e-3) { rounds *= 2; continue; }
        if (flops / elapsed > best) best = flops / elapsed;
    }
    return best * 1e-9;
}
#else
double ek_fma_peak_gflops(int width_bits, double seconds) { (void)width_bits; (void)seconds; return 0; }
#endif
