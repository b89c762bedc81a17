#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin wrappers so ExplainTensor needs no Foundation.
@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }

/// Elementary functions on Float and Double used by layers and explainers.
public enum Math {
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    /// The error function, erf(x) = 2/√π ∫₀ˣ exp(−t²) dt.
    @inlinable public static func erf(_ x: Float) -> Float { erff(x) }
    /// The complementary error function 1 − erf(x), accurate where erf(x) is close to 1.
    @inlinable public static func erfc(_ x: Float) -> Float { erfcf(x) }
    @inlinable public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inlinable public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
}
