/// The sums over a coalition's players that the control variate's corrections are made of.
extension BackgroundControlVariate {
    /// Σ_{i∈S} c^k_i for every output and component into `out` (`[outputs × components]`): the per-player
    /// components from `row` (`[players × outputs × playerComponents]`), over S or, through `total`, over its
    /// complement, whichever is smaller, and the even ones as |S| times their slope in `even`
    /// (`[outputs × evenComponents]`). The running sums stay in registers for up to four columns (two outputs); wider
    /// rows add each member's contiguous row into `out`.
    @inline(__always)
    func sum(_ row: UnsafePointer<Double>, total: UnsafePointer<Double>, even: UnsafePointer<Double>?,
             mask: UnsafePointer<UInt64>, wordCount: Int, size: Int, into out: UnsafeMutablePointer<Double>) {
        defer { if evenComponents > 0, let even { spreadEven(even, size: size, into: out) } }
        let width = outputCount * playerComponents
        let useComplement = 2 * size > playerCount
        switch width {
        case 1:
            var a = 0.0
            forEachMember(mask, wordCount: wordCount, complement: useComplement) { a += row[$0] }
            out[0] = a
        case 2:
            var a = 0.0, b = 0.0
            forEachMember(mask, wordCount: wordCount, complement: useComplement) {
                a += row[2 * $0]
                b += row[2 * $0 + 1]
            }
            out[0] = a
            out[1] = b
        case 4:
            var a = 0.0, b = 0.0, c = 0.0, d = 0.0
            forEachMember(mask, wordCount: wordCount, complement: useComplement) {
                a += row[4 * $0]
                b += row[4 * $0 + 1]
                c += row[4 * $0 + 2]
                d += row[4 * $0 + 3]
            }
            out[0] = a
            out[1] = b
            out[2] = c
            out[3] = d
        default:
            for j in 0..<width { out[j] = 0 }
            forEachMember(mask, wordCount: wordCount, complement: useComplement) { p in
                let entry = row + p * width
                for j in 0..<width { out[j] += entry[j] }
            }
        }
        if useComplement { for j in 0..<width { out[j] = total[j] - out[j] } }
    }

    /// Moves the per-player sums (`[outputs × playerComponents]` at the front of `out`) to their places in
    /// `[outputs × components]` and writes the even components' |S| · slope after them.
    @inline(__always)
    func spreadEven(_ even: UnsafePointer<Double>, size: Int, into out: UnsafeMutablePointer<Double>) {
        let nK = components, nC = playerComponents, nE = evenComponents
        // From the back, so that no per-player sum is overwritten before it moves.
        for o in stride(from: outputCount - 1, through: 0, by: -1) {
            for k in stride(from: nC - 1, through: 0, by: -1) { out[o * nK + k] = out[o * nC + k] }
            for e in 0..<nE { out[o * nK + nC + e] = Double(size) * even[o * nE + e] }
        }
    }

    /// Calls `body` with each player in the coalition, or in its complement.
    @inline(__always)
    func forEachMember(_ mask: UnsafePointer<UInt64>, wordCount: Int, complement: Bool, _ body: (Int) -> Void) {
        let nP = playerCount
        let lastBits = nP % 64 == 0 ? ~UInt64(0) : (UInt64(1) << UInt64(nP % 64)) - 1
        for w in 0..<wordCount {
            var bits = complement ? ~mask[w] : mask[w]
            if complement && w == wordCount - 1 { bits &= lastBits }
            while bits != 0 {
                body(64 * w + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }
}
