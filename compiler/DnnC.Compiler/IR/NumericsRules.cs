using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>
/// When a node's numerics (<see cref="Node.Numerics"/>) are legal; GraphVerifier runs these after
/// every pass, so a precision, sparsity or quantization pass that decides something no kernel can
/// honour fails at the pass that decided it:
/// - a weight encoding or a tensor-core math mode only on a conv, dense or matmul node (everything
///   else, reductions and softmax among them, computes and accumulates in FP32 on CUDA cores);
/// - an encoding only on a weight operand (input 1) that is a constant, since it is encoded once at
///   lowering;
/// - 2:4 only where the reduction length K divides into groups of 4 (REFERENCE.md §2);
/// - TF32 math only over FP32 storage (TF32 rounds FP32 operands; FP16 storage takes FP16 math).
/// </summary>
public static class NumericsRules
{
    public static IEnumerable<string> Check(Graph graph, Node node, IReadOnlyDictionary<string, TensorType> defined)
    {
        var numerics = node.Numerics;
        if (numerics.IsFp32Dense) yield break;
        bool matrixProduct = node.Op is Conv2dOp or DenseOp or MatMulOp;
        if (!matrixProduct && numerics.Encoding != WeightEncoding.Dense)
            yield return $"node '{node.Name}' ({node.Op.Mnemonic}) has no weight operand to encode as {numerics.Encoding}";
        if (!matrixProduct && numerics.Math != MathMode.Fp32Simt)
            yield return $"node '{node.Name}' ({node.Op.Mnemonic}) has no matrix product for {numerics.Math}; it accumulates in FP32 on CUDA cores";
        if (numerics.Math == MathMode.Tf32TensorCore && numerics.Precision != KernelPrecision.Fp32)
            yield return $"node '{node.Name}': TF32 math needs FP32 storage, not {numerics.Precision}";
        if (!matrixProduct || numerics.Encoding == WeightEncoding.Dense || node.Inputs.Count < 2) yield break;

        if (graph.Producer(node.Inputs[1]) is not { Op: ConstantOp })
            yield return $"node '{node.Name}' encodes its weights as {numerics.Encoding}, but '{node.Inputs[1]}' is not a constant";
        if (numerics.Encoding == WeightEncoding.Sparse24 && ReductionLength(node, defined) is int k && k % 4 != 0)
            yield return $"node '{node.Name}': 2:4 sparsity needs a reduction length divisible by 4, and K is {k}";
    }

    /// <summary>K of the node's matrix product: Cin/groups·R·S for a conv, the shared dimension for dense and matmul.</summary>
    private static int? ReductionLength(Node node, IReadOnlyDictionary<string, TensorType> defined)
    {
        if (!defined.TryGetValue(node.Inputs[0], out var x) || !defined.TryGetValue(node.Inputs[1], out var w)) return null;
        return node.Op is Conv2dOp && w.Rank == 4 ? w[1] * w[2] * w[3] : x.Rank > 0 ? x[x.Rank - 1] : null;
    }
}
