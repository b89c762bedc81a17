import ExplainKit

// Release-mode benchmarks: swift run -c release explain-bench [suite ...]
// Suites: forward, io, training, gradient, deeplift, gradientshap, lime, kernelshap, perturbation,
// perturbation-choice, graph, kernels (default: all). Figures are recorded in benchmarks/README.md.
let requested = Set(CommandLine.arguments.dropFirst())
func wants(_ suite: String) -> Bool { requested.isEmpty || requested.contains(suite) }

BLAS.setThreadCount(1)
MemoryTuning.apply()  // as the CLI does: freed activation buffers stay in the heap
print("ExplainKit benchmarks (release build, single-threaded BLAS unless noted)")
if wants("kernels") { runKernelBenchmark() }
if wants("forward") { _ = runForwardBenchmark() }
if wants("graph") { runGraphBenchmark() }
if wants("io") {
    runCSVBenchmark()
    runModelFileBenchmark()
}
if wants("training") { runTrainingBenchmark() }
if wants("gradient") { runGradientBenchmark() }
if wants("deeplift") { runModifiedBackpropBenchmark() }
if wants("gradientshap") { runGradientSHAPBenchmark() }
if wants("lime") { runLIMEBenchmark() }
if wants("kernelshap") { runKernelSHAPBenchmark() }
if wants("perturbation") || requested.contains("perturbation-choice") {
    runPerturbationBenchmark(choice: requested.isEmpty || requested.contains("perturbation-choice"))
}
