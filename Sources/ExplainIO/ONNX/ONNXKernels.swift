import ExplainTensor
import Foundation

/// The reference implementation of each `ONNXOperation` on full tensors: plain loops that accumulate in Double.
///
/// It defines what the operations mean, folds constant subgraphs at load time, and runs `ONNXReference`, so that
/// tests can compare a whole imported graph with onnxruntime. It is written for clarity, not speed.
enum ONNXKernels {
    /// The output of `operation` on `inputs` (in the order `ONNXOperation` documents), whose shape is `outputShape`.
    static func apply(_ operation: ONNXOperation, to inputs: [Tensor], outputShape: [Int]) -> Tensor {
        let x = inputs[0]
        switch operation {
        case .add: return broadcast(x, inputs[1], outputShape) { $0 + $1 }
        case .sub: return broadcast(x, inputs[1], outputShape) { $0 - $1 }
        case .mul: return broadcast(x, inputs[1], outputShape) { $0 * $1 }
        case .div: return broadcast(x, inputs[1], outputShape) { $0 / $1 }
        case .relu: return map(x) { max($0, 0) }
        case .sigmoid: return map(x) { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh: return map(x) { Foundation.tanh($0) }
        case .erf: return map(x) { Foundation.erf($0) }
        case .leakyRelu(let alpha): return map(x) { $0 >= 0 ? $0 : Double(alpha) * $0 }
        case .gelu(let usesTanh):
            return map(x) { v in
                usesTanh ? 0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
                         : 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
            }
        case .clip(let lo, let hi): return map(x) { min(max($0, Double(lo)), Double(hi)) }
        case .softmax(let axis, let isLog, let coerces): return softmax(x, axis: axis, isLog: isLog, coerces: coerces)
        case .gemm(let alpha, let beta, let transA, let transB):
            return gemm(x, inputs[1], inputs.count > 2 ? inputs[2] : nil, alpha: alpha, beta: beta, transA: transA, transB: transB)
        case .matMul: return matMul(x, inputs[1], outputShape)
        case .conv(let window, let group):
            return conv(x, weights: inputs[1], bias: inputs.count > 2 ? inputs[2] : nil, window: window, group: group,
                        outputShape: outputShape)
        case .batchNormalization(let epsilon):
            return batchNormalization(x, scale: inputs[1], bias: inputs[2], mean: inputs[3], variance: inputs[4], epsilon: epsilon)
        case .maxPool(let window): return pool(x, window: window, outputShape: outputShape, average: nil)
        case .averagePool(let window, let countsPadding):
            return pool(x, window: window, outputShape: outputShape, average: countsPadding)
        case .globalAveragePool: return globalAveragePool(x, outputShape: outputShape)
        case .reshape, .identity: return Tensor(shape: outputShape, scalars: x.scalars)
        case .transpose(let perm):
            return Tensor(shape: outputShape, scalars: ONNXArrayOps.transpose(x.scalars, shape: x.shape, permutation: perm))
        case .concat(let axis):
            return Tensor(shape: outputShape, scalars: ONNXArrayOps.concat(inputs.map { ($0.scalars, $0.shape) }, axis: axis))
        case .scaler(let offset, let scale):
            let width = x.shape.last ?? 1
            var out = x
            for i in 0..<out.count {
                let c = i % width
                out.scalars[i] = Float((Double(x.scalars[i]) - Double(offset[offset.count == 1 ? 0 : c]))
                                       * Double(scale[scale.count == 1 ? 0 : c]))
            }
            return out
        }
    }

    /// `f` applied to every value, in Double.
    static func map(_ x: Tensor, _ f: (Double) -> Double) -> Tensor {
        Tensor(shape: x.shape, scalars: x.scalars.map { Float(f(Double($0))) })
    }

    /// The strides that read `shape` broadcast to `target` (0 along broadcast axes).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
        let strides = ONNXArrayOps.strides(padded)
        return zip(padded, strides).map { $0 == 1 ? 0 : $1 }
    }

    /// `f` over `a` and `b` broadcast to `shape`.
    static func broadcast(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ f: (Double, Double) -> Double) -> Tensor {
        let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for o in 0..<count {
            var ia = 0, ib = 0
            for i in 0..<index.count {
                ia += index[i] * sa[i]
                ib += index[i] * sb[i]
            }
            out[o] = Float(f(Double(a.scalars[ia]), Double(b.scalars[ib])))
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Softmax or log-softmax over `axis`, or over all axes from `axis` on when `coerces`.
    static func softmax(_ x: Tensor, axis: Int, isLog: Bool, coerces: Bool) -> Tensor {
        let outer = x.shape[..<axis].reduce(1, *)
        let n = coerces ? x.shape[axis...].reduce(1, *) : x.shape[axis]
        let inner = coerces ? 1 : x.shape[(axis + 1)...].reduce(1, *)
        var out = x
        for o in 0..<outer {
            for i in 0..<inner {
                let at = { (j: Int) in (o * n + j) * inner + i }
                let top = (0..<n).map { Double(x.scalars[at($0)]) }.max() ?? 0
                let sum = (0..<n).reduce(0.0) { $0 + Foundation.exp(Double(x.scalars[at($1)]) - top) }
                for j in 0..<n {
                    let shifted = Double(x.scalars[at(j)]) - top
                    out.scalars[at(j)] = Float(isLog ? shifted - Foundation.log(sum) : Foundation.exp(shifted) / sum)
                }
            }
        }
        return out
    }

    /// alpha·op(A)·op(B) + beta·C.
    static func gemm(_ a: Tensor, _ b: Tensor, _ c: Tensor?, alpha: Float, beta: Float, transA: Bool, transB: Bool) -> Tensor {
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = transB ? b.shape[0] : b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        let cStrides = c.map { broadcastStrides($0.shape, to: [m, n]) }
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    sum += Double(a.scalars[transA ? p * m + i : i * k + p]) * Double(b.scalars[transB ? j * k + p : p * n + j])
                }
                var value = Double(alpha) * sum
                if let c, let s = cStrides { value += Double(beta) * Double(c.scalars[i * s[0] + j * s[1]]) }
                out[i * n + j] = Float(value)
            }
        }
        return Tensor(shape: [m, n], scalars: out)
    }

    /// numpy `matmul`, with batch axes broadcast.
    static func matMul(_ a0: Tensor, _ b0: Tensor, _ outputShape: [Int]) -> Tensor {
        let a = a0.shape.count == 1 ? [1] + a0.shape : a0.shape, b = b0.shape.count == 1 ? b0.shape + [1] : b0.shape
        let m = a[a.count - 2], k = a[a.count - 1], n = b[b.count - 1]
        let batchRank = max(a.count, b.count) - 2
        let pa = [Int](repeating: 1, count: batchRank - (a.count - 2)) + a.dropLast(2)
        let pb = [Int](repeating: 1, count: batchRank - (b.count - 2)) + b.dropLast(2)
        let batch = zip(pa, pb).map { max($0, $1) }
        let sa = broadcastStrides(pa, to: batch), sb = broadcastStrides(pb, to: batch), bs = ONNXArrayOps.strides(batch)
        let batchCount = batch.reduce(1, *)
        var out = [Float](repeating: 0, count: batchCount * m * n)
        for t in 0..<batchCount {
            var oa = 0, ob = 0
            for i in 0..<batchRank {
                let idx = (t / bs[i]) % batch[i]
                oa += idx * sa[i]
                ob += idx * sb[i]
            }
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k {
                        sum += Double(a0.scalars[(oa * m + i) * k + p]) * Double(b0.scalars[(ob * k + p) * n + j])
                    }
                    out[(t * m + i) * n + j] = Float(sum)
                }
            }
        }
        return Tensor(shape: outputShape, scalars: out)
    }
}
