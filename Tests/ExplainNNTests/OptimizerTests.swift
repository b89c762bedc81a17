import ExplainNN
import ExplainTensor
import Testing

@Suite("Optimizers")
struct OptimizerTests {
    let start: [[Tensor]] = [[], [Tensor(shape: [3], scalars: [1, -2, 0.5])]]
    let firstGradient: [[Tensor]] = [[], [Tensor(shape: [3], scalars: [0.5, 1, -0.25])]]
    let secondGradient: [[Tensor]] = [[], [Tensor(shape: [3], scalars: [-0.2, 0.4, 0.1])]]

    func run(_ optimizer: inout some Optimizer, steps: Int) -> [Float] {
        var p = start
        for g in [firstGradient, secondGradient].prefix(steps) { optimizer.step(&p, gradients: g, learningRate: 0.1) }
        return p[1][0].scalars
    }

    func expectClose(_ a: [Float], _ b: [Double], tolerance: Double = 1e-6) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) { #expect(abs(Double(x) - y) <= tolerance, "\(a) vs \(b)") }
    }

    @Test("one SGD-momentum step is p − η (g + λ p), the buffer starting at the gradient")
    func sgdOneStep() {
        var sgd = SGD(momentum: 0.9, weightDecay: 0.01)
        // d = g + 0.01 p = [0.51, 0.98, -0.245]; p − 0.1 d
        expectClose(run(&sgd, steps: 1), [1 - 0.051, -2 - 0.098, 0.5 + 0.0245])
    }

    @Test("two SGD-momentum steps match PyTorch's update rule, heavy ball and Nesterov")
    func sgdTwoSteps() {
        var heavyBall = SGD(momentum: 0.9, weightDecay: 0.01)
        // b₂ = 0.9 b₁ + d₂, computed by hand with numpy from PyTorch's formulas.
        expectClose(run(&heavyBall, steps: 2), [0.922151, -2.224102, 0.5360255])
        var nesterov = SGD(momentum: 0.9, nesterov: true, weightDecay: 0.01)
        expectClose(run(&nesterov, steps: 2), [0.89807411, -2.33742622, 0.54635656])
    }

    @Test("one Adam step moves every weight by η against the sign of its gradient")
    func adamOneStep() {
        // t = 1: m̂ = d, v̂ = d², so the update is η d / (|d| + ε) = η sign(d) up to ε.
        var adam = Adam(weightDecay: 0.01)
        expectClose(run(&adam, steps: 1), [0.9, -2.1, 0.6], tolerance: 1e-6)
        #expect(adam.stepCount == 1)
    }

    @Test("two Adam and AdamW steps match the bias-corrected moment formulas")
    func adamTwoSteps() {
        var adam = Adam(weightDecay: 0.01)
        expectClose(run(&adam, steps: 2), [0.86336414, -2.18934376, 0.6319312])
        var adamW = Adam(weightDecay: 0.01, decouplesWeightDecay: true)
        expectClose(run(&adamW, steps: 2), [0.86354042, -2.18575952, 0.63346108])
    }

    @Test("layers without parameters are left alone and a zero gradient leaves plain SGD still")
    func emptyLayers() {
        var sgd = SGD()
        var p = start
        sgd.step(&p, gradients: [[], [Tensor(shape: [3], repeating: 0)]], learningRate: 1)
        #expect(p == start)
    }

    @Test("optimizer names parse as the CLI spells them")
    func names() {
        #expect(OptimizerKind(name: "sgd") == .sgd())
        #expect(OptimizerKind(name: "nesterov") == .sgd(nesterov: true))
        #expect(OptimizerKind(name: "Adam") == .adam())
        #expect(OptimizerKind(name: "adamw") == .adamW())
        #expect(OptimizerKind(name: "rmsprop") == nil)
    }

    @Test("step and cosine schedules follow StepLR and CosineAnnealingLR")
    func schedules() {
        let step = LearningRateSchedule.step(period: 10, factor: 0.5)
        #expect(step.rate(base: 0.1, epoch: 9, epochCount: 100) == 0.1)
        #expect(abs(step.rate(base: 0.1, epoch: 25, epochCount: 100) - 0.025) < 1e-15)
        let cosine = LearningRateSchedule.cosine(minimumRate: 0.01)
        #expect(cosine.rate(base: 0.1, epoch: 0, epochCount: 100) == 0.1)
        #expect(abs(cosine.rate(base: 0.1, epoch: 50, epochCount: 100) - 0.055) < 1e-12)
        #expect(abs(cosine.rate(base: 0.1, epoch: 100, epochCount: 100) - 0.01) < 1e-12)
        #expect(LearningRateSchedule(name: "step:50:0.5") == .step(period: 50, factor: 0.5))
        #expect(LearningRateSchedule(name: "cosine") == .cosine())
        #expect(LearningRateSchedule(name: "step:0:0.5") == nil)
    }
}
