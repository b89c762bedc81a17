/// A set of distinct coalitions (subsets of M players) stored as bit masks, in insertion order.
///
/// KernelSHAP evaluates every distinct coalition once: the table gives each one a stable index (its row in the
/// value and weight arrays) and answers "already drawn?" in O(M/64) through open addressing on a hash of the mask.
struct CoalitionTable: Sendable {
    /// The number of players M.
    let playerCount: Int
    /// 64-bit words per mask, ⌈M / 64⌉.
    let wordCount: Int
    /// The masks of all coalitions, `wordCount` words each, in insertion order.
    private(set) var words: [UInt64] = []
    /// The size |S| of each coalition.
    private(set) var sizes: [Int] = []
    /// Open-addressing slots holding a coalition index, or -1 when empty; the capacity is a power of two.
    private var slots: [Int]

    /// Creates an empty table for `playerCount` players, sized for about `expectedCount` coalitions.
    init(playerCount: Int, expectedCount: Int = 64) {
        precondition(playerCount >= 0)
        self.playerCount = playerCount
        self.wordCount = max(1, (playerCount + 63) / 64)
        var capacity = 16
        while capacity < 2 * expectedCount { capacity *= 2 }
        slots = [Int](repeating: -1, count: capacity)
        words.reserveCapacity(expectedCount * wordCount)
        sizes.reserveCapacity(expectedCount)
    }

    /// The number of coalitions.
    var count: Int { sizes.count }

    /// Whether `player` belongs to coalition `index`.
    @inline(__always)
    func contains(_ index: Int, player: Int) -> Bool {
        (words[index * wordCount + player >> 6] >> UInt64(player & 63)) & 1 == 1
    }

    /// The mask words of coalition `index`.
    func mask(_ index: Int) -> ArraySlice<UInt64> {
        words[(index * wordCount)..<((index + 1) * wordCount)]
    }

    /// The index of the coalition with this mask, or nil.
    func index(of mask: [UInt64]) -> Int? {
        precondition(mask.count == wordCount)
        var slot = Self.hash(mask) & (slots.count - 1)
        while true {
            let found = slots[slot]
            if found < 0 { return nil }
            if matches(found, mask) { return found }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// Inserts a coalition unless present.
    /// - Returns: its index and whether it was new.
    @discardableResult
    mutating func insert(_ mask: [UInt64]) -> (index: Int, inserted: Bool) {
        precondition(mask.count == wordCount)
        if 2 * (count + 1) > slots.count { grow() }
        var slot = Self.hash(mask) & (slots.count - 1)
        while true {
            let found = slots[slot]
            if found < 0 { break }
            if matches(found, mask) { return (found, false) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let index = count
        slots[slot] = index
        words.append(contentsOf: mask)
        sizes.append(mask.reduce(0) { $0 + $1.nonzeroBitCount })
        return (index, true)
    }

    /// The complement of a mask within the M players.
    func complement(of mask: [UInt64]) -> [UInt64] {
        var out = mask
        complement(of: mask, into: &out)
        return out
    }

    /// Writes the complement of `mask` into `out` (both `wordCount` words), without allocating.
    func complement(of mask: [UInt64], into out: inout [UInt64]) {
        for w in 0..<wordCount {
            let bitsInWord = min(64, playerCount - 64 * w)
            let full: UInt64 = bitsInWord >= 64 ? ~0 : (bitsInWord <= 0 ? 0 : (UInt64(1) << UInt64(bitsInWord)) - 1)
            out[w] = ~mask[w] & full
        }
    }

    private func matches(_ index: Int, _ mask: [UInt64]) -> Bool {
        let base = index * wordCount
        for w in 0..<wordCount where words[base + w] != mask[w] { return false }
        return true
    }

    private mutating func grow() {
        slots = [Int](repeating: -1, count: slots.count * 2)
        for index in 0..<count {
            var slot = Self.hash(Array(mask(index))) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = index
        }
    }

    /// A well-mixed hash of the mask words (SplitMix64's finaliser over a running combination).
    private static func hash(_ mask: [UInt64]) -> Int {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for word in mask {
            var z = (h ^ word) &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            h = z ^ (z >> 31)
        }
        return Int(truncatingIfNeeded: h & 0x7FFF_FFFF_FFFF_FFFF)
    }
}
