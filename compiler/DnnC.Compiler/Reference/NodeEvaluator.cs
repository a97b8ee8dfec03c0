using DnnC.Compiler.IR;

namespace DnnC.Compiler.Reference;

/// <summary>Dispatches one node to the kernel for its op.</summary>
internal static class NodeEvaluator
{
    public static RefTensor Evaluate(Graph graph, Node node, IReadOnlyList<RefTensor> inputs) => node.Op switch
    {
        ConstantOp c => Constant(graph, node, c),
        Conv2dOp conv => ElementwiseKernels.ApplySteps(
            ConvKernels.Conv2d(conv, inputs[0], inputs[1], conv.HasBias ? inputs[2] : null), conv.Epilogue, inputs),
        DenseOp dense => ElementwiseKernels.ApplySteps(
            LinearKernels.Dense(inputs[0], inputs[1], dense.HasBias ? inputs[2] : null), dense.Epilogue, inputs),
        MatMulOp matmul => ElementwiseKernels.ApplySteps(LinearKernels.MatMul(inputs[0], inputs[1]), matmul.Epilogue, inputs),
        PointwiseOp pointwise => ElementwiseKernels.ApplySteps(inputs[0], pointwise.Steps, inputs),
        BatchNormOp bn => ElementwiseKernels.BatchNorm(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], bn.Epsilon),
        ActivationOp act => ElementwiseKernels.Activation(inputs[0], act.Kind, act.Alpha, act.Beta),
        BinaryOp binary => ElementwiseKernels.Binary(binary.Kind, inputs[0], inputs[1]),
        PoolOp pool => PoolKernels.Pool(pool, inputs[0]),
        GlobalPoolOp global => PoolKernels.GlobalPool(global.Kind, inputs[0]),
        SoftmaxOp softmax => PoolKernels.Softmax(inputs[0], softmax.Axis),
        ConcatOp concat => LayoutKernels.Concat(inputs, concat.Axis),
        ReshapeOp or FlattenOp => LayoutKernels.Reshape(inputs[0], node.Type.Dims),
        TransposeOp transpose => LayoutKernels.Transpose(inputs[0], transpose.Perm),
        ShiftOp shift => ConvKernels.Shift(inputs[0], shift.Kernel),
        UnaryMathOp unary => MathKernels.Unary(unary, inputs[0]),
        CastOp cast => MathKernels.Cast(cast, inputs[0]),
        MathBinaryOp math => MathKernels.Binary(math.Kind, inputs[0], inputs[1]),
        WhereOp => MathKernels.Where(inputs[0], inputs[1], inputs[2]),
        ReduceOp reduce => ReduceKernels.Reduce(reduce, inputs[0], node.Type.Dims),
        SliceOp slice => IndexingKernels.Slice(slice, inputs[0]),
        GatherOp gather => IndexingKernels.Gather(gather.Axis, inputs[0], inputs[1]),
        PadOp pad => IndexingKernels.Pad(pad, inputs[0]),
        ExpandOp => IndexingKernels.Expand(inputs[0], node.Type.Dims),
        TileOp => IndexingKernels.Tile(inputs[0], node.Type.Dims),
        ResizeOp resize => ResizeKernels.Resize(resize, inputs[0]),
        InstanceNormOp instance => NormalizationKernels.InstanceNorm(inputs[0], inputs[1], inputs[2], instance.Epsilon),
        LayerNormOp layer => NormalizationKernels.LayerNorm(
            inputs[0], inputs[1], inputs.Count > 2 ? inputs[2] : null, layer.Axis, layer.Epsilon),
        LrnOp lrn => NormalizationKernels.Lrn(inputs[0], lrn.Size, lrn.Alpha, lrn.Beta, lrn.Bias),
        LogSoftmaxOp logSoftmax => NormalizationKernels.LogSoftmax(inputs[0], logSoftmax.Axis),
        ConvTransposeOp convT => ConvTransposeKernels.ConvTranspose(
            convT, inputs[0], inputs[1], convT.HasBias ? inputs[2] : null, node.Type.Dims),
        DilatedPoolOp dilated => ConvTransposeKernels.DilatedPool(dilated, inputs[0], node.Type.Dims),
        _ => throw new NotSupportedException($"the reference executor has no kernel for '{node.Op.Mnemonic}' (node '{node.Name}')"),
    };

    private static RefTensor Constant(Graph graph, Node node, ConstantOp op)
    {
        if (!graph.Weights.Contains(op.Key))
            throw new ArgumentException($"constant '{node.Name}' refers to weight '{op.Key}', which the graph's weight table lacks");
        return ReferenceExecutor.FromHost(graph.Weights[op.Key]);
    }
}
