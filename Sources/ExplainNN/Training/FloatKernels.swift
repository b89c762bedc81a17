#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// Small vector kernels for the trainer's per-step loops, written with `SIMD8<Float>` because the compiler does not
/// vectorise floating-point reductions or the optimizers' square roots and divisions on its own.
///
/// Every kernel does the same IEEE operations in the same order for a given length, so results are deterministic.
enum FloatKernels {
    /// Lane-wise square root. On x86-64 it is `sqrtps`: `Float.squareRoot()` keeps a libm fallback for errno, so
    /// `SIMD8.squareRoot()` runs one lane at a time. Both are correctly rounded, so the results are identical.
    @inline(__always) static func squareRoot(_ v: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        return SIMD8(lowHalf: _mm_sqrt_ps(v.lowHalf), highHalf: _mm_sqrt_ps(v.highHalf))
        #else
        return v.squareRoot()
        #endif
    }

    /// Lane-wise conversion to Int32, rounding toward zero (`cvttps2dq` on x86-64); lanes must be in Int32's range.
    @inline(__always) static func truncatedToInt32(_ v: SIMD8<Float>) -> SIMD8<Int32> {
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        return SIMD8(lowHalf: unsafeBitCast(_mm_cvttps_epi32(v.lowHalf), to: SIMD4<Int32>.self),
                     highHalf: unsafeBitCast(_mm_cvttps_epi32(v.highHalf), to: SIMD4<Int32>.self))
        #else
        return SIMD8<Int32>(v, rounding: .towardZero)
        #endif
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// The minimum, maximum, sum and sum of squares of `x`; `isFinite` is false when any value is NaN or infinite.
    ///
    /// Sums run in Float lanes over blocks of 1,024 values and are carried between blocks in Double.
    static func summary(_ x: UnsafeBufferPointer<Float>)
        -> (min: Float, max: Float, sum: Double, sumOfSquares: Double, isFinite: Bool) {
        guard let base = x.baseAddress, !x.isEmpty else { return (0, 0, 0, 0, true) }
        var lo = SIMD8<Float>(repeating: .infinity), hi = SIMD8<Float>(repeating: -.infinity)
        var sum = 0.0, squares = 0.0
        var i = 0
        let n = x.count
        while i + 8 <= n {
            let blockEnd = Swift.min(n - (n - i) % 8, i + 1024)
            var s = SIMD8<Float>(), q = SIMD8<Float>()
            while i < blockEnd {
                let v = load(base + i)
                lo = lo.replacing(with: v, where: v .< lo)
                hi = hi.replacing(with: v, where: v .> hi)
                s += v
                q += v * v
                i += 8
            }
            sum += Double(s.sum())
            squares += Double(q.sum())
        }
        var low = lo.min(), high = hi.max()
        while i < n {
            let v = base[i]
            low = Swift.min(low, v)
            high = Swift.max(high, v)
            sum += Double(v)
            squares += Double(v) * Double(v)
            i += 1
        }
        return (low, high, sum, squares, low.isFinite && high.isFinite && !sum.isNaN)
    }

    /// Σ x², accumulated in Double.
    static func sumOfSquares(_ x: [Float]) -> Double {
        x.withUnsafeBufferPointer { summary($0).sumOfSquares }
    }

    /// maxima[u] ← max(maxima[u], x[r·U + u]) over every row r of `x` (U = maxima.count); NaNs are ignored.
    static func accumulateColumnMaxima(_ x: UnsafeBufferPointer<Float>, into maxima: UnsafeMutableBufferPointer<Float>) {
        guard let source = x.baseAddress, let m = maxima.baseAddress, !maxima.isEmpty else { return }
        let units = maxima.count
        for r in 0..<(x.count / units) {
            let row = source + r * units
            var u = 0
            while u + 8 <= units {
                let v = load(row + u), current = load(m + u)
                store(current.replacing(with: v, where: v .> current), m + u)
                u += 8
            }
            while u < units {
                if row[u] > m[u] { m[u] = row[u] }
                u += 1
            }
        }
    }
}
