import ExplainKit

// Release-mode benchmarks: swift run -c release explain-bench
print("ExplainKit benchmarks (release build, single-threaded BLAS unless noted)")
_ = runForwardBenchmark()
