import Dispatch
import ExplainTensor
import Foundation

/// Runs independent per-row work on several threads, with results in row order.
///
/// Each item's randomness must come from a stream derived from `(seed, row)` (`SplitMix64(seed:).derived(row)`), so
/// results are identical whatever the thread count. OpenBLAS is set to one thread inside, because parallelism over
/// rows beats threading each small product.
public enum ParallelRows {
    /// Applies `body` to every index in `0..<count` on up to `threads` threads and returns the results in order.
    ///
    /// The first error thrown (by index) is rethrown after all work stops. `progress` is called (from any thread) with
    /// the number of items finished so far.
    public static func map<T: Sendable>(
        count: Int, threads: Int, progress: (@Sendable (Int) -> Void)? = nil,
        _ body: @Sendable (Int) throws -> T
    ) throws -> [T] {
        let box = ResultBox<T>(count: count)
        let workers = max(1, min(threads, count))
        BLAS.setThreadCount(1)
        if workers == 1 {
            for i in 0..<count {
                box.store(i, Result { try body(i) })
                progress?(box.finished)
                if box.hasFailure { break }
            }
        } else {
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while !box.hasFailure {
                    let i = next.increment()
                    guard i < count else { break }
                    box.store(i, Result { try body(i) })
                    progress?(box.finished)
                }
            }
        }
        return try box.results()
    }

    /// The most worker threads a caller may ask for (the CLI's `--threads`); more would only add scheduling.
    public static let maximumThreadCount = 1024

    /// The number of worker threads to use by default: every core.
    public static var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// An atomic counter (a lock is plenty at per-row granularity).
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = -1
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

/// Per-index results written from several threads; each slot is written once.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, any Error>?]
    private var done = 0
    private var failed = false

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ i: Int, _ r: Result<T, any Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[i] = r
        done += 1
        if case .failure = r { failed = true }
    }

    var finished: Int { lock.lock(); defer { lock.unlock() }; return done }
    var hasFailure: Bool { lock.lock(); defer { lock.unlock() }; return failed }

    func results() throws -> [T] {
        lock.lock(); defer { lock.unlock() }
        var out: [T] = []
        out.reserveCapacity(slots.count)
        for slot in slots {
            switch slot {
            case .success(let v)?: out.append(v)
            case .failure(let e)?: throw e
            case nil: continue
            }
        }
        return out
    }
}
