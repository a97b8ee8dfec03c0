using DnnC.Compiler.CodeGen;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Runtime.Targets;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// Lowers a fused graph to the <see cref="KernelPlan"/>, in named steps: number the values, turn
/// each compute node into one kernel spec with its tile and launch, alias reshapes, give tensor-core convs
/// channels-last activations (<see cref="ChannelsLastLayout"/>), give values the storage their kernels' numerics ask for (<see cref="StorageLayouts"/>), plan the activation arena
/// and the weight blob, then let kernels whose code is identical share it. The weights' bytes are
/// encoded from the graph's weights by <see cref="Runtime.Encoders.WeightPacker"/>, once.
/// </summary>
public static class PlanLowering
{
    /// <summary>Lowers for <paramref name="target"/>; <paramref name="oracle"/>, when given, tells the tile step what each
    /// candidate kernel occupies (<see cref="TileSelection"/>).</summary>
    public static KernelPlan Lower(Graph graph, GpuTarget target, DiagnosticBag diagnostics, IKernelResourceOracle? oracle = null)
    {
        var values = new List<PlanValue>();
        var ids = new Dictionary<string, int>();
        var kernels = new List<PlanKernel>();

        int AddValue(string name, ValueKind kind, TensorType type, string? weightKey = null, int? alias = null)
        {
            int id = values.Count;
            values.Add(new PlanValue(id, name, kind, type.Shape, WeightKey: weightKey, AliasOf: alias));
            ids[name] = id;
            return id;
        }

        foreach (var input in graph.Inputs) AddValue(input.Name, ValueKind.Input, input.Type);

        foreach (var node in graph.Nodes)
        {
            switch (node.Op)
            {
                case ConstantOp c:
                    AddValue(node.Name, ValueKind.Weight, node.Type, weightKey: c.Key);
                    continue;
                case ReshapeOp or FlattenOp:
                    AddValue(node.Name, values[ids[node.Inputs[0]]].Kind == ValueKind.Weight ? ValueKind.Weight : ValueKind.Activation,
                        node.Type, alias: ids[node.Inputs[0]]);
                    continue;
            }
            var types = node.Inputs.Select(i => TypeOf(graph, i)).ToList();
            var spec = SpecFor(node, types, target, oracle);
            int output = AddValue(node.Name, ValueKind.Activation, node.Type);
            if (spec is null)
            {
                // Keep going so that every op without a template is reported, not just the first.
                diagnostics.Add(Diag.NoKernelTemplate(node.Location, node.Op.Mnemonic, node.Layers));
                continue;
            }
            var args = new List<int> { output };
            args.AddRange(node.Inputs.Select(i => ids[i]));
            string name = $"k{kernels.Count}_{spec.Template}";
            // The node's numerics, decided by the passes and checked by the verifier, become the kernel's.
            kernels.Add(new PlanKernel(name, spec, args.ToEquatableArray(), node.Layers, KernelTemplates.Launch(spec), node.Numerics));
        }
        if (diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);

        var outputs = graph.Outputs.Select(o => new PlanOutput(o.Name, ids[o.Value])).ToList();
        (values, kernels, outputs) = ChannelsLastLayout.Assign(values, kernels, outputs);
        (values, kernels) = StorageLayouts.Assign(values, kernels);
        values = PlaceActivations(values, kernels, outputs);
        long weightBytes = PlaceWeights(values);
        long arena = values.Where(v => v.ArenaOffset >= 0).Select(v => BufferPlanner.Align(v.ArenaOffset + v.Bytes)).DefaultIfEmpty(0).Max();

        var plan = new KernelPlan(
            KernelPlan.CurrentFormatVersion,
            graph.Name,
            values.ToEquatableArray(),
            kernels.ToEquatableArray(),
            graph.Inputs.Select(i => ids[i.Name]).ToEquatableArray(),
            outputs.ToEquatableArray(),
            arena,
            weightBytes);
        return KernelSharing.ShareIdenticalCode(plan);
    }

    /// <summary>Tensor-core math, decided by the precision pass: the kernel gets a tile from <see cref="MmaTileSelection"/>.</summary>
    private static bool IsTensorCore(Node node) => node.Numerics.Math != MathMode.Fp32Simt;

    private static TensorType TypeOf(Graph graph, string value) =>
        graph.Producer(value)?.Type ?? graph.Inputs.First(i => i.Name == value).Type;

    /// <summary>The kernel spec for one compute node, or null when no template covers it.</summary>
    private static KernelSpec? SpecFor(Node node, IReadOnlyList<TensorType> inputs, GpuTarget target, IKernelResourceOracle? oracle)
    {
        var output = node.Type;
        switch (node.Op)
        {
            case Conv2dOp c:
            {
                var x = inputs[0];
                var w = inputs[1];
                bool depthwise = c.Groups == x[1] && w[0] == x[1] && c.InputShift == 0;
                int first = c.HasBias ? 3 : 2;
                var conv = new ConvSpec(
                    x[0], x[1], x[2], x[3], w[0], w[2], w[3], output[2], output[3],
                    c.Strides[0], c.Strides[1], c.Pads[0], c.Pads[1], c.Dilations[0], c.Dilations[1],
                    c.Groups, c.HasBias, c.InputShift,
                    RenumberSteps(c.Epilogue, first), Operands(inputs, first, output),
                    depthwise ? ConvAlgorithm.Depthwise : ConvAlgorithm.ImplicitGemm, TileSelection.Candidates[^1]);
                if (!depthwise && IsTensorCore(node))
                    return conv with { Mma = MmaTileSelection.Choose(conv.GemmM, conv.GemmN, target, t => conv with { Mma = t }, oracle).Tile };
                return conv with
                {
                    Tile = TileSelection.Choose((long)output[0] * output[2] * output[3], w[0] / c.Groups, w[1] * w[2] * w[3], target,
                        t => conv with { Tile = t }, depthwise ? null : oracle),
                };
            }
            case DenseOp d:
            {
                int k = inputs[1][1], n = inputs[1][0];
                int m = (int)(output.ElementCount / n);
                int first = d.HasBias ? 3 : 2;
                var gemm = new GemmSpec(1, m, n, k, 0, 0, true, d.HasBias,
                    RenumberSteps(d.Epilogue, first), Operands(inputs, first, output), TileSelection.Candidates[^1]);
                if (IsTensorCore(node)) return gemm with { Mma = MmaTileSelection.Choose(m, n, target, t => gemm with { Mma = t }, oracle).Tile };
                return gemm with { Tile = TileSelection.Choose(m, n, k, target, t => gemm with { Tile = t }, oracle) };
            }
            case MatMulOp mm:
            {
                var a = inputs[0];
                var b = inputs[1];
                int m = a[a.Rank - 2], k = a[a.Rank - 1], n = b[b.Rank - 1];
                int batch = (int)(output.ElementCount / ((long)m * n));
                long? strideA = BatchStride(a, batch, (long)m * k);
                long? strideB = BatchStride(b, batch, (long)k * n);
                if (strideA is null || strideB is null) return null;
                var matmul = new GemmSpec(batch, m, n, k, strideA.Value, strideB.Value, false, false,
                    RenumberSteps(mm.Epilogue, 2), Operands(inputs, 2, output), TileSelection.Candidates[^1]);
                if (IsTensorCore(node)) return matmul with { Mma = MmaTileSelection.Choose(m, n, target, t => matmul with { Mma = t }, oracle).Tile };
                return matmul with { Tile = TileSelection.Choose((long)m * batch, n, k, target, t => matmul with { Tile = t }, oracle) };
            }
            case ActivationOp a:
                return new PointwiseSpec(output.Shape, [new ActivationStep(a.Kind, a.Alpha, a.Beta)], Operands(inputs, 0, output));
            case BinaryOp b:
                return new PointwiseSpec(output.Shape, [new BinaryStep(b.Kind, 1)], Operands(inputs, 0, output));
            case PointwiseOp p:
                return new PointwiseSpec(output.Shape, p.Steps, Operands(inputs, 0, output));
            case PoolOp p:
            {
                var x = inputs[0];
                return new PoolSpec(p.Kind, x[0], x[1], x[2], x[3], output[2], output[3],
                    p.Kernel[0], p.Kernel[1], p.Strides[0], p.Strides[1], p.Pads[0], p.Pads[1], p.CountIncludePad);
            }
            case GlobalPoolOp g:
            {
                var x = inputs[0];
                return new GlobalPoolSpec(g.Kind, x[0] * x[1], (int)(x.ElementCount / ((long)x[0] * x[1])));
            }
            case SoftmaxOp s:
            {
                var dims = output.Dims;
                return new SoftmaxSpec(Product(dims[..s.Axis]), dims[s.Axis], Product(dims[(s.Axis + 1)..]));
            }
            case TransposeOp t:
                return new TransposeSpec(inputs[0].Shape, t.Perm);
            case ConcatOp cat:
            {
                var dims = output.Dims;
                return new ConcatSpec(Product(dims[..cat.Axis]), inputs.Select(i => i[cat.Axis]).ToEquatableArray(), Product(dims[(cat.Axis + 1)..]));
            }
            case ShiftOp sh:
            {
                var x = inputs[0];
                return new ShiftSpec(x[0], x[1], x[2], x[3], sh.Kernel);
            }
            case SliceOp sl: return DataOpLowering.Slice(sl, inputs[0]);
            case GatherOp ga: return DataOpLowering.Gather(ga, inputs[0], inputs[1]);
            case PadOp pad: return DataOpLowering.Pad(pad, inputs[0]);
            case TileOp ti: return DataOpLowering.Tile(ti, inputs[0]);
            // A broadcast copy is a pointwise chain with no steps: the head operand's strides do the broadcast.
            case ExpandOp: return new PointwiseSpec(output.Shape, [], Operands(inputs, 0, output));
            case ResizeOp rs: return DataOpLowering.Resize(rs, inputs[0], output);
            case ConvTransposeOp ct: return DataOpLowering.ConvTranspose(ct, inputs[0], inputs[1], output, target);
            case DilatedPoolOp dp: return DataOpLowering.DilatedPool(dp, inputs[0], output);
            case CastOp c:
                return new PointwiseSpec(output.Shape, [new CastStep(c.To, c.Saturate, c.Rounding)], Operands(inputs, 0, output));
            case UnaryMathOp or MathBinaryOp or WhereOp or ReduceOp or LayerNormOp or InstanceNormOp or LogSoftmaxOp or LrnOp:
                return MathLowering.SpecFor(node.Op, inputs, output);
            default:
                return null;
        }
    }

    private static int Product(IEnumerable<int> dims) => dims.Aggregate(1, (a, b) => a * b);

    /// <summary>Batch stride of a matmul operand: full when it has every batch, 0 when it broadcasts.</summary>
    private static long? BatchStride(TensorType operand, int batch, long matrixElements)
    {
        long operandBatch = operand.ElementCount / matrixElements;
        return operandBatch == batch ? matrixElements : operandBatch == 1 ? 0 : null;
    }

    /// <summary>
    /// Epilogue operands are node inputs from <paramref name="first"/> on; in the plan a BinaryStep
    /// names its operand's index in the spec's operand list instead.
    /// </summary>
    private static EquatableArray<EpilogueStep> RenumberSteps(EquatableArray<EpilogueStep> steps, int first) =>
        steps.Select(s => s is BinaryStep b ? b with { Operand = b.Operand - first } : s).ToEquatableArray();

    /// <summary>Node inputs from <paramref name="first"/> on, with strides that broadcast them to the output.</summary>
    private static EquatableArray<PlanOperand> Operands(IReadOnlyList<TensorType> inputs, int first, TensorType output) =>
        Enumerable.Range(first, inputs.Count - first)
            .Select(i => new PlanOperand(i + 1, BroadcastStrides(inputs[i].Dims, output.Dims)))
            .ToEquatableArray();

    public static EquatableArray<long> BroadcastStrides(int[] shape, int[] output)
    {
        var strides = new long[output.Length];
        long stride = 1;
        for (int d = output.Length - 1, s = shape.Length - 1; d >= 0; d--, s--)
        {
            int dim = s >= 0 ? shape[s] : 1;
            strides[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        return strides;
    }

    /// <summary>Gives inputs and kernel outputs arena offsets from their lifetimes over the kernel sequence.</summary>
    private static List<PlanValue> PlaceActivations(List<PlanValue> values, List<PlanKernel> kernels, List<PlanOutput> outputs)
    {
        int StorageOf(int id) => values[id].AliasOf is int a ? StorageOf(a) : id;
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        foreach (var v in values.Where(v => v.AliasOf is null && v.Kind != ValueKind.Weight))
            first[v.Id] = last[v.Id] = 0;
        for (int k = 0; k < kernels.Count; k++)
        {
            var args = kernels[k].Args;
            first[args[0]] = last[args[0]] = k;
            foreach (int input in args.Skip(1))
            {
                int storage = StorageOf(input);
                if (last.ContainsKey(storage)) last[storage] = Math.Max(last[storage], k);
            }
        }
        foreach (var o in outputs)
        {
            int storage = StorageOf(o.Value);
            if (last.ContainsKey(storage)) last[storage] = kernels.Count;
        }
        var requests = first.Keys.Select(id => new BufferRequest(id, values[id].Bytes, first[id], last[id])).ToList();
        var assignment = BufferPlanner.Plan(requests);
        return values.Select(v => assignment.Offsets.TryGetValue(v.Id, out long at) ? v with { ArenaOffset = at } : v).ToList();
    }

    /// <summary>Lays weights out back to back (aligned) in one blob; returns its size.</summary>
    private static long PlaceWeights(List<PlanValue> values)
    {
        long offset = 0;
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Kind != ValueKind.Weight || values[i].AliasOf is not null) continue;
            values[i] = values[i] with { WeightOffset = offset };
            offset = BufferPlanner.Align(offset + values[i].Bytes);
        }
        return offset;
    }
}
