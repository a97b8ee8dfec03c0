using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.IR;

/// <summary>
/// Fully connected layer: x [..., K] times w [N, K] transposed, plus bias [N] when present,
/// then the epilogue. The weight layout is ONNX Gemm's with transB=1 and PyTorch's Linear.
/// </summary>
public sealed record DenseOp(bool HasBias, EquatableArray<EpilogueStep> Epilogue) : Op
{
    public override string Mnemonic => "dense";
    public override (int Min, int Max) Arity => (2, int.MaxValue);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var x = inputs[0];
        var w = inputs[1];
        if (x.Rank < 1) return ShapeResult.Fail("input must have at least one dimension");
        if (w.Rank != 2) return ShapeResult.Fail($"weights must be 2-D [N, K], got {w}");
        if (x[x.Rank - 1] != w[1])
            return ShapeResult.Fail($"input {x} has {x[x.Rank - 1]} features but weights {w} expect {w[1]}",
                "flatten the input first if it is an image: x |> flatten |> dense(...)");
        if (HasBias && (inputs.Count < 3 || inputs[2].Rank != 1 || inputs[2][0] != w[0]))
            return ShapeResult.Fail($"bias must be [{w[0]}], got {(inputs.Count < 3 ? "none" : inputs[2].ToString())}");
        var shape = x.Dims;
        shape[^1] = w[0];
        return IR.Epilogue.Apply(Mnemonic, new TensorType(x.DType, shape), Epilogue, inputs);
    }

    public override IEnumerable<(string Key, string Value)> Attributes()
    {
        if (!Epilogue.IsEmpty) yield return ("epilogue", IR.Epilogue.Format(Epilogue));
    }
}

/// <summary>Numpy matmul between two activations, batch dimensions broadcast.</summary>
public sealed record MatMulOp(EquatableArray<EpilogueStep> Epilogue) : Op
{
    public override string Mnemonic => "matmul";
    public override (int Min, int Max) Arity => (2, int.MaxValue);

    public override ShapeResult Infer(IReadOnlyList<TensorType> inputs)
    {
        var a = inputs[0];
        var b = inputs[1];
        if (a.Rank < 2 || b.Rank < 2) return ShapeResult.Fail($"both operands need at least 2 dimensions, got {a} and {b}");
        if (a[a.Rank - 1] != b[b.Rank - 2])
            return ShapeResult.Fail($"inner dimensions differ: {a} times {b}");
        var batch = Broadcast(a.Dims[..^2], b.Dims[..^2]);
        if (batch is null) return ShapeResult.Fail($"batch dimensions of {a} and {b} do not broadcast");
        int[] shape = [.. batch, a[a.Rank - 2], b[b.Rank - 1]];
        return IR.Epilogue.Apply(Mnemonic, new TensorType(a.DType, shape), Epilogue, inputs);
    }

    public override IEnumerable<(string Key, string Value)> Attributes()
    {
        if (!Epilogue.IsEmpty) yield return ("epilogue", IR.Epilogue.Format(Epilogue));
    }
}
