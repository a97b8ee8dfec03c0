using DnnC.Runtime;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Lowering;

/// <summary>
/// Gives every plan value the storage its kernels' numerics ask for, before arena and blob placement:
/// a kernel's output takes the kernel's storage format (FP16 storage writes FP16); a weight takes the
/// format of the kernel that reads it and, as a conv's or GEMM's weight operand, the kernel's encoding
/// (2:4 or ternary, with its rows from <see cref="WeightRows"/>; a tensor-core kernel's dense filters as padded rows). A weight that two kernels read in
/// different layouts gets one plan value per layout, all with the same weight key, so each kernel reads
/// bytes made for it. Plans of FP32 dense kernels come out unchanged.
/// </summary>
internal static class StorageLayouts
{
    private sealed record Layout(ElementFormat? Format, EncodedWeightShape? Encoded);

    public static (List<PlanValue> Values, List<PlanKernel> Kernels) Assign(List<PlanValue> values, List<PlanKernel> kernels)
    {
        values = [.. values];
        kernels = [.. kernels];
        var claimed = new Dictionary<int, Layout>();
        var variants = new Dictionary<(int Arg, Layout Layout), int>();
        int StorageOf(int id) => values[id].AliasOf is int a ? StorageOf(a) : id;

        for (int k = 0; k < kernels.Count; k++)
        {
            var kernel = kernels[k];
            var format = kernel.Numerics.StorageFormat;
            var args = kernel.Args.ToArray();
            values[args[0]] = values[args[0]] with { Format = format };
            for (int i = 1; i < args.Length; i++)
            {
                int storage = StorageOf(args[i]);
                if (values[storage].Kind != ValueKind.Weight) continue;
                var wanted = new Layout(format, i == PlanKernel.EncodedWeightArg && (kernel.Numerics.Encoding != WeightEncoding.Dense || TensorCore(kernel))
                    ? Encoded(kernel)
                    : null);
                if (claimed.TryAdd(storage, wanted))
                {
                    values[storage] = values[storage] with { Format = wanted.Format, Encoded = wanted.Encoded };
                    continue;
                }
                if (claimed[storage] == wanted) continue;
                // Another kernel already reads this weight in another layout: this one reads its own copy.
                if (!variants.TryGetValue((args[i], wanted), out int variant))
                {
                    var source = values[args[i]];
                    variant = values.Count;
                    values.Add(new PlanValue(variant, source.Name, ValueKind.Weight, source.Shape, WeightKey: values[storage].WeightKey,
                        Format: wanted.Format, Encoded: wanted.Encoded));
                    variants[(args[i], wanted)] = variant;
                }
                args[i] = variant;
            }
            kernels[k] = kernel with { Args = args.ToEquatableArray() };
        }
        // A reshape shares its source's storage, and so its format.
        for (int v = 0; v < values.Count; v++)
            if (values[v].AliasOf is not null)
                values[v] = values[v] with { Format = values[StorageOf(v)].Format };
        return (values, kernels);
    }

    /// <summary>A tensor-core kernel reads its constant filters as padded dense rows (<see cref="EncodedWeightShape"/>).</summary>
    private static bool TensorCore(PlanKernel kernel) => kernel.Spec is ConvSpec { Mma: not null } or GemmSpec { Mma: not null };

    private static EncodedWeightShape Encoded(PlanKernel kernel)
    {
        var (rows, k) = WeightRows.Shape(kernel.Spec);
        return new EncodedWeightShape(kernel.Numerics.Encoding, rows, k);
    }
}
