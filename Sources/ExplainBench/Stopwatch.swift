import Foundation

/// Wall-clock timing and peak memory for the benchmarks.
enum Stopwatch {
    /// Runs `body` and returns its wall time in seconds.
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The best of `repeats` timings (after one warm-up run).
    static func best(repeats: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var best = Double.infinity
        for _ in 0..<repeats { best = min(best, try time(body)) }
        return best
    }

    /// The process's peak resident memory in MiB.
    static var peakMemoryMiB: Double {
        var usage = rusage()
        getrusage(0, &usage) // RUSAGE_SELF
        return Double(usage.ru_maxrss) / 1024
    }
}

/// Prints one aligned benchmark line.
func report(_ name: String, _ value: String) {
    print(name.padding(toLength: 54, withPad: " ", startingAt: 0) + value)
}

/// The CPU time of the whole process (all threads), in seconds: a check on wall times taken on a busy machine.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// The CPU time of the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
