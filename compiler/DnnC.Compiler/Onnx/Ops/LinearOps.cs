using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Onnx;

/// <summary>Gemm and MatMul. A constant right operand becomes a dense layer's [N, K] weight.</summary>
internal static partial class OnnxOps
{
    private static void RegisterLinearOps(Dictionary<string, Action<NodeContext>> t)
    {
        t["Gemm"] = Gemm;
        t["MatMul"] = MatMul;
    }

    /// <summary>Y = alpha · A' · B' + beta · C, with A' and B' optionally transposed.</summary>
    private static void Gemm(NodeContext n)
    {
        var a = n.Input(0);
        var b = n.Input(1);
        if (a.Rank != 2 || b.Rank != 2) throw n.Invalid($"A and B must be 2-D, got ranks {a.Rank} and {b.Rank}");
        float alpha = n.Float("alpha", 1), beta = n.Float("beta", 1);
        bool transA = n.Int("transA", 0) != 0, transB = n.Int("transB", 0) != 0;
        if (transA) a = Transpose(n, a, [1, 0]);
        var c = n.OptionalInput(2);
        if (beta == 0) c = null;
        int outputs = transB ? b.Shape[0] : b.Shape[1];

        ImportValue product;
        bool biasFused = false;
        if (b.IsConstant)
        {
            // Dense wants [N, K]: that is B itself when transB, else Bᵀ; alpha folds into it.
            var weight = transB ? b : Transpose(n, b, [1, 0]);
            if (alpha != 1) weight = n.Emit(new BinaryOp(BinaryKind.Mul), weight, n.Scalar(alpha));
            var bias = c is not null ? DenseBias(n, c, beta, outputs) : null;
            biasFused = bias is not null;
            product = bias is null
                ? n.Emit(new DenseOp(false, EquatableArray<EpilogueStep>.Empty), a, weight)
                : n.Emit(new DenseOp(true, EquatableArray<EpilogueStep>.Empty), a, weight, bias);
        }
        else
        {
            if (transB) b = Transpose(n, b, [1, 0]);
            product = n.Emit(new MatMulOp(EquatableArray<EpilogueStep>.Empty), a, b);
            if (alpha != 1) product = n.Emit(new BinaryOp(BinaryKind.Mul), product, n.Scalar(alpha));
        }
        if (c is not null && !biasFused)
        {
            var scaled = beta == 1 ? c : n.Emit(new BinaryOp(BinaryKind.Mul), c, n.Scalar(beta));
            product = n.Emit(new BinaryOp(BinaryKind.Add), product, scaled);
        }
        n.SetOutput(0, product);
    }

    /// <summary>beta · C as a [N] bias when C is a constant that broadcasts along rows only.</summary>
    private static ImportValue? DenseBias(NodeContext n, ImportValue c, float beta, int outputs)
    {
        if (c.Constant is null) return null;
        bool rowVector = c.Shape.Length switch
        {
            0 => true,
            1 => c.Shape[0] == outputs || c.Shape[0] == 1,
            2 => c.Shape[0] == 1 && (c.Shape[1] == outputs || c.Shape[1] == 1),
            _ => false,
        };
        if (!rowVector) return null;
        var bias = n.Emit(new ExpandOp([outputs]), Reshape(n, c, [(int)c.Constant.Count]));
        return beta == 1 ? bias : n.Emit(new BinaryOp(BinaryKind.Mul), bias, n.Scalar(beta));
    }

    /// <summary>Numpy matmul: 1-D operands gain an axis that the result drops again.</summary>
    private static void MatMul(NodeContext n)
    {
        var a = n.Input(0);
        var b = n.Input(1);
        if (a.Rank == 0 || b.Rank == 0) throw n.Invalid("MatMul operands cannot be scalars");
        bool vectorA = a.Rank == 1, vectorB = b.Rank == 1;
        if (vectorA) a = Reshape(n, a, [1, a.Shape[0]]);
        if (vectorB) b = Reshape(n, b, [b.Shape[0], 1]);
        (a, b) = (BroadcastBatch(n, a, b), BroadcastBatch(n, b, a));
        ImportValue product;
        if (b.IsConstant && b.Rank == 2 && !a.IsConstant)
            product = n.Emit(new DenseOp(false, EquatableArray<EpilogueStep>.Empty), a, Transpose(n, b, [1, 0]));
        else
            product = n.Emit(new MatMulOp(EquatableArray<EpilogueStep>.Empty), a, b);
        var shape = product.Shape.ToList();
        if (vectorB) shape.RemoveAt(shape.Count - 1);
        if (vectorA) shape.RemoveAt(shape.Count - (vectorB ? 1 : 2));
        n.SetOutput(0, Reshape(n, product, shape.ToArray()));
    }

    /// <summary>
    /// A matmul kernel reads each operand's matrices with one batch stride: all batches, or one
    /// shared matrix. An operand whose batch dimensions broadcast only partly ([3, 1] against
    /// [1, 2]) is expanded to the full batch first.
    /// </summary>
    private static ImportValue BroadcastBatch(NodeContext n, ImportValue x, ImportValue other)
    {
        var batch = x.Shape[..^2];
        var otherBatch = other.Shape[..^2];
        var full = IR.Op.Broadcast(batch, otherBatch);
        if (full is null) return x;   // shape inference reports it
        long own = batch.Aggregate(1L, (p, d) => p * d), total = full.Aggregate(1L, (p, d) => p * d);
        if (own == 1 || own == total) return x;
        return n.Emit(new ExpandOp([.. full, x.Shape[^2], x.Shape[^1]]), x);
    }
}
