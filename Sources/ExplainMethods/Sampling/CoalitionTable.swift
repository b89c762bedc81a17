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
    private var slots: [Int32]
    /// The hash of the coalition in each slot, so that a probe compares masks only on a full hash match and reads
    /// nothing but these two arrays while it walks.
    private var slotHashes: [UInt64]

    /// The most coalitions any KernelSHAP storage reserves before they arrive (2^20); beyond it arrays grow as filled.
    static let upFrontCapacity = 1 << 20

    /// Creates an empty table for `playerCount` players, sized for about `expectedCount` coalitions (at most 2^20
    /// up front: a larger table grows as coalitions arrive, so a huge budget does not allocate before it is spent).
    init(playerCount: Int, expectedCount: Int = 64) {
        precondition(playerCount >= 0)
        self.playerCount = playerCount
        self.wordCount = max(1, (playerCount + 63) / 64)
        let expectedCount = min(max(0, expectedCount), Self.upFrontCapacity)
        var capacity = 16
        while capacity < 2 * expectedCount { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        slotHashes = [UInt64](repeating: 0, count: capacity)
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
        let hash = Self.hash(mask)
        return probe(mask, hash: hash).found
    }

    /// Inserts a coalition unless present.
    /// - Returns: its index and whether it was new.
    @discardableResult
    mutating func insert(_ mask: [UInt64]) -> (index: Int, inserted: Bool) {
        precondition(mask.count == wordCount)
        if 2 * (count + 1) > slots.count { grow() }
        // Unreachable from user input: budgets are at most KernelSHAPExplainer.maximumSamples = 2^25.
        precondition(count < Int(Int32.max), "CoalitionTable: more than 2^31 coalitions")
        let hash = Self.hash(mask)
        let (found, slot) = probe(mask, hash: hash)
        if let found { return (found, false) }
        let index = count
        slots[slot] = Int32(index)
        slotHashes[slot] = hash
        var size = 0
        for word in mask {
            words.append(word)
            size += word.nonzeroBitCount
        }
        sizes.append(size)
        return (index, true)
    }

    /// The index of `mask` if present, and the slot where the probe stopped (the empty slot to fill otherwise).
    @inline(__always)
    private func probe(_ mask: [UInt64], hash: UInt64) -> (found: Int?, slot: Int) {
        let capacityMask = slots.count - 1
        return slots.withUnsafeBufferPointer { indices in
            slotHashes.withUnsafeBufferPointer { hashes in
                var slot = Int(truncatingIfNeeded: hash) & capacityMask
                while true {
                    let found = Int(indices[slot])
                    if found < 0 { return (nil, slot) }
                    if hashes[slot] == hash && matches(found, mask) { return (found, slot) }
                    slot = (slot + 1) & capacityMask
                }
            }
        }
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
        var newSlots = [Int32](repeating: -1, count: slots.count * 2)
        var newHashes = [UInt64](repeating: 0, count: slots.count * 2)
        let capacityMask = newSlots.count - 1
        for old in slots.indices where slots[old] >= 0 {
            var slot = Int(truncatingIfNeeded: slotHashes[old]) & capacityMask
            while newSlots[slot] >= 0 { slot = (slot + 1) & capacityMask }
            newSlots[slot] = slots[old]
            newHashes[slot] = slotHashes[old]
        }
        slots = newSlots
        slotHashes = newHashes
    }

    /// A well-mixed hash of the mask words (SplitMix64's finaliser over a running combination).
    private static func hash(_ mask: [UInt64]) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for word in mask {
            var z = (h ^ word) &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            h = z ^ (z >> 31)
        }
        return h
    }
}
