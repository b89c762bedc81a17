#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number formatting for LIME's bin labels, without Foundation.
enum LIMEFormat {
    /// `value` with 4 significant digits (`%.4g`): `0.3`, `5.843`, `0.0625`, `1.2e+04`.
    static func number(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 32)
        let written = buffer.withUnsafeMutableBufferPointer { p -> Int32 in
            withVaList([value]) { vsnprintf(p.baseAddress, p.count, "%.4g", $0) }
        }
        guard written > 0 else { return "\(value)" }
        return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
