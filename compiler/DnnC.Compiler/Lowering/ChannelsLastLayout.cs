using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// The layout step of lowering: tensor-core convs read channels-last (NHWC) activations, whose 8 consecutive halves (4
/// floats) of one pixel are one 16-byte cp.async, and write whichever layout their readers want. For each value a
/// tensor-core conv reads as its input:
/// <list type="bullet">
/// <item>written by a tensor-core conv: the value becomes NHWC (its plan shape is then [N, H, W, C]); a reader that
/// needs NCHW (any other kernel's input, a reshape, a model output) reads one NCHW copy made by a transpose;</item>
/// <item>written by anything else, or a model input: one NHWC copy made by a transpose serves every tensor-core
/// reader.</item>
/// </list>
/// Epilogue and pointwise operands carry strides, so a reader that takes the value only as an operand (a residual add)
/// reads NHWC in place. A conv whose channels per group are not a multiple of the copy width (the 3-channel first conv)
/// gathers NCHW element by element and gets no transpose. Model inputs and outputs keep the model's layout. Inserted
/// transposes are named <c>k&lt;i&gt;_to_nhwc</c> and <c>k&lt;i&gt;_to_nchw</c>, so reports can count them
/// (<see cref="IsLayoutTranspose"/>).
/// </summary>
internal static class ChannelsLastLayout
{
    private const string ToNhwc = "_to_nhwc", ToNchw = "_to_nchw";

    public static bool IsLayoutTranspose(PlanKernel kernel) => kernel.Name.EndsWith(ToNhwc, StringComparison.Ordinal) || kernel.Name.EndsWith(ToNchw, StringComparison.Ordinal);

    private sealed record Insert(int After, PlanKernel Kernel, string Suffix);

    public static (List<PlanValue> Values, List<PlanKernel> Kernels, List<PlanOutput> Outputs) Assign(
        List<PlanValue> values, List<PlanKernel> kernels, List<PlanOutput> outputs)
    {
        if (!kernels.Any(ReadsChannelsLast)) return (values, kernels, outputs);
        values = [.. values];
        kernels = [.. kernels];
        outputs = [.. outputs];
        var producer = new Dictionary<int, int>();
        for (int k = 0; k < kernels.Count; k++) producer[kernels[k].Args[0]] = k;
        var inserts = new List<Insert>();

        int modelValues = values.Count;   // the copies added below are laid out already
        for (int v = 0; v < modelValues; v++)
        {
            if (values[v].Kind == ValueKind.Weight || values[v].Shape.Count != 4) continue;
            var clReaders = Enumerable.Range(0, kernels.Count).Where(k => ReadsChannelsLast(kernels[k]) && kernels[k].Args[1] == v).ToList();
            if (clReaders.Count == 0) continue;
            var shape = values[v].Shape;
            var nhwcShape = new[] { shape[0], shape[2], shape[3], shape[1] }.ToEquatableArray();
            foreach (int k in clReaders) kernels[k] = kernels[k] with { Spec = ((ConvSpec)kernels[k].Spec) with { InputChannelsLast = true } };

            if (producer.TryGetValue(v, out int p) && kernels[p].Spec is ConvSpec { Mma: not null } written)
            {
                // The value itself becomes NHWC; readers that need NCHW get one copy.
                kernels[p] = kernels[p] with { Spec = written with { OutputChannelsLast = true } };
                var planar = values[v] with { Id = values.Count, Name = values[v].Name + ToNchw };
                bool planarUsed = false;
                for (int k = 0; k < kernels.Count; k++)
                {
                    if (k == p || clReaders.Contains(k) || !kernels[k].Args.Contains(v)) continue;
                    if (ReadsOnlyAsOperand(kernels[k], v, shape, out var moved)) kernels[k] = moved;
                    else
                    {
                        kernels[k] = kernels[k] with { Args = kernels[k].Args.Select(a => a == v ? planar.Id : a).ToEquatableArray() };
                        planarUsed = true;
                    }
                }
                for (int a = 0; a < values.Count; a++)
                    if (values[a].AliasOf == v)
                    {
                        values[a] = values[a] with { AliasOf = planar.Id };
                        planarUsed = true;
                    }
                for (int o = 0; o < outputs.Count; o++)
                    if (outputs[o].Value == v)
                    {
                        outputs[o] = outputs[o] with { Value = planar.Id };
                        planarUsed = true;
                    }
                values[v] = values[v] with { Shape = nhwcShape };
                if (planarUsed)
                {
                    values.Add(planar);
                    inserts.Add(new Insert(p, Transpose(nhwcShape, [0, 3, 1, 2], [planar.Id, v], kernels[p]), ToNchw));
                }
            }
            else
            {
                // One NHWC copy for every tensor-core reader, in the readers' storage precision.
                var copy = values[v] with { Id = values.Count, Name = values[v].Name + ToNhwc, Kind = ValueKind.Activation, Shape = nhwcShape };
                values.Add(copy);
                foreach (int k in clReaders)
                    kernels[k] = kernels[k] with { Args = kernels[k].Args.Select((a, i) => i == 1 ? copy.Id : a).ToEquatableArray() };
                inserts.Add(new Insert(producer.TryGetValue(v, out int q) ? q : -1, Transpose(shape, [0, 2, 3, 1], [copy.Id, v], kernels[clReaders[0]]), ToNhwc));
            }
        }
        return (values, Renumber(kernels, inserts), outputs);
    }

    /// <summary>A tensor-core conv whose input channels fill 16-byte copies: it reads NHWC.</summary>
    private static bool ReadsChannelsLast(PlanKernel kernel) =>
        kernel.Spec is ConvSpec { Mma: not null, InputShift: 0 } c && c.C % CopyWidth(kernel) == 0 && c.C / c.Groups % CopyWidth(kernel) == 0;

    private static int CopyWidth(PlanKernel kernel) => kernel.Numerics.Math == MathMode.Fp16TensorCore ? 8 : 4;

    /// <summary>
    /// Whether <paramref name="kernel"/> reads value <paramref name="v"/> only as epilogue or pointwise operands over an
    /// output of the value's own NCHW shape (a residual add); if so, <paramref name="moved"/> reads it NHWC in place.
    /// </summary>
    private static bool ReadsOnlyAsOperand(PlanKernel kernel, int v, EquatableArray<int> shape, out PlanKernel moved)
    {
        moved = kernel;
        int fixedInputs = kernel.Spec switch
        {
            ConvSpec c => c.HasBias ? 3 : 2,
            GemmSpec g => g.HasBias ? 3 : 2,
            PointwiseSpec => 0,
            _ => int.MaxValue,
        };
        var args = kernel.Args.ToArray();
        var operandArgs = Enumerable.Range(0, args.Length).Where(i => args[i] == v).ToList();
        if (operandArgs.Any(i => i <= fixedInputs)) return false;
        var operands = kernel.Spec switch
        {
            ConvSpec c => c.Operands,
            GemmSpec g => g.Operands,
            PointwiseSpec p => p.Operands,
            _ => EquatableArray<PlanOperand>.Empty,
        };
        long[] planar = [(long)shape[1] * shape[2] * shape[3], (long)shape[2] * shape[3], shape[3], 1];
        long[] channelsLast = [(long)shape[1] * shape[2] * shape[3], 1, (long)shape[3] * shape[1], shape[1]];
        var rewritten = new List<PlanOperand>();
        foreach (var operand in operands)
        {
            if (!operandArgs.Contains(operand.Arg)) { rewritten.Add(operand); continue; }
            if (!operand.Strides.SequenceEqual(planar)) return false;
            rewritten.Add(operand with { Strides = channelsLast.ToEquatableArray() });
        }
        var spec = kernel.Spec switch
        {
            ConvSpec c => (KernelSpec)(c with { Operands = rewritten.ToEquatableArray() }),
            GemmSpec g => g with { Operands = rewritten.ToEquatableArray() },
            PointwiseSpec p => p with { Operands = rewritten.ToEquatableArray() },
            _ => kernel.Spec,
        };
        moved = kernel with { Spec = spec };
        return true;
    }

    private static PlanKernel Transpose(EquatableArray<int> inputShape, int[] perm, int[] args, PlanKernel precisionOf)
    {
        var spec = new TransposeSpec(inputShape, perm.ToEquatableArray());
        var numerics = new PlanNumerics(precisionOf.Numerics.Precision);
        return new PlanKernel("", spec, args.ToEquatableArray(), precisionOf.Layers, CodeGen.KernelTemplates.Launch(spec), numerics);
    }

    /// <summary>Places each transpose after its producer (model inputs' first) and numbers every kernel again.</summary>
    private static List<PlanKernel> Renumber(List<PlanKernel> kernels, List<Insert> inserts)
    {
        var ordered = new List<(PlanKernel Kernel, string? Suffix)>();
        foreach (var insert in inserts.Where(i => i.After < 0)) ordered.Add((insert.Kernel, insert.Suffix));
        for (int k = 0; k < kernels.Count; k++)
        {
            ordered.Add((kernels[k], null));
            foreach (var insert in inserts.Where(i => i.After == k)) ordered.Add((insert.Kernel, insert.Suffix));
        }
        return ordered.Select((entry, i) => entry.Kernel with { Name = $"k{i}{entry.Suffix ?? "_" + entry.Kernel.Spec.Template}" }).ToList();
    }
}
