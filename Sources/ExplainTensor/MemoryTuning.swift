#if canImport(Glibc)
import Glibc
#endif

/// Allocator settings for a process that runs explainers (the CLI and the benchmarks).
///
/// Explainers allocate and free the same large activation buffers chunk after chunk. With glibc's defaults those
/// buffers are handed back to the kernel and faulted in again every time (clearing pages and page faults were a
/// third of KernelSHAP's profile). Keeping up to 256 MiB of freed memory in the heap, and serving blocks below 64 MiB
/// from it, removes that churn; peak memory stays bounded by the explainers' chunk budgets.
public enum MemoryTuning {
    /// glibc's `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` (malloc.h), which Swift's Glibc module does not export.
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3

    public static func apply() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(mmapThreshold, 64 << 20)
        _ = mallopt(trimThreshold, 256 << 20)
        #endif
    }
}
