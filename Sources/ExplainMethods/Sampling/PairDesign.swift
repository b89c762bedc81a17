/// The design rows of KernelSHAP's constrained regression over a list of requested players, read from mask bits.
///
/// With the last requested player L eliminated, a coalition's design row is x'_j = z_j − z_L over the other
/// q requested players. Of a complement pair, exactly one member lacks L (the representative): its row is its
/// indicator vector z, and its partner's is −z. Rows are built from the set bits of the representative's mask, so
/// the cost follows |S| rather than q.
struct PairDesign {
    /// The number of design columns q (requested players minus L).
    let columnCount: Int
    let wordCount: Int
    /// The table player of L.
    let last: Int
    /// The design column of each table player, or −1 for L and for players not requested.
    private let columnOfPlayer: [Int32]
    /// Whether every player is requested in table order, so that player p < L is column p.
    private let isIdentity: Bool

    init(players: [Int], playerCount: Int, wordCount: Int) {
        precondition(!players.isEmpty)
        columnCount = players.count - 1
        self.wordCount = wordCount
        last = players[players.count - 1]
        var columns = [Int32](repeating: -1, count: playerCount)
        for (j, player) in players.dropLast().enumerated() { columns[player] = Int32(j) }
        columnOfPlayer = columns
        isIdentity = players.count == playerCount && players.enumerated().allSatisfy { $0.offset == $0.element }
    }

    /// Whether the coalition lacks L.
    @inline(__always)
    func isRepresentative(_ mask: UnsafePointer<UInt64>) -> Bool {
        (mask[last >> 6] >> UInt64(last & 63)) & 1 == 0
    }

    /// Writes the design columns of the coalition's requested players (L excluded) into `out`, which holds at
    /// least `columnCount` entries, and returns how many there are.
    @inline(__always)
    func columns(of mask: UnsafePointer<UInt64>, into out: UnsafeMutablePointer<Int32>) -> Int {
        if isIdentity {
            var count = 0
            for w in 0..<wordCount {
                var bits = mask[w]
                if w == last >> 6 { bits &= ~(UInt64(1) << UInt64(last & 63)) }
                while bits != 0 {
                    out[count] = Int32(64 * w + bits.trailingZeroBitCount)
                    bits &= bits - 1
                    count += 1
                }
            }
            return count
        }
        return columnOfPlayer.withUnsafeBufferPointer { map in
            var count = 0
            for w in 0..<wordCount {
                var bits = mask[w]
                while bits != 0 {
                    let column = map[64 * w + bits.trailingZeroBitCount]
                    bits &= bits - 1
                    if column >= 0 {
                        out[count] = column
                        count += 1
                    }
                }
            }
            return count
        }
    }

    /// Writes `value` at `columns` and 0 elsewhere into a row of `columnCount` entries.
    @inline(__always)
    func scatter(_ columns: UnsafePointer<Int32>, count: Int, value: Double, into row: UnsafeMutablePointer<Double>) {
        row.update(repeating: 0, count: columnCount)
        for k in 0..<count { row[Int(columns[k])] = value }
    }
}
