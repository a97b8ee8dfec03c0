using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Cuda;

/// <summary>One cuLaunchKernel: which kernel, its geometry, and its pointer arguments in order.</summary>
public sealed record KernelLaunch(string Kernel, string Layers, LaunchConfig Config, EquatableArray<ulong> Arguments);

/// <summary>Where the plan's two memory regions live on the device.</summary>
public readonly record struct DeviceRegions(ulong ArenaBase, ulong WeightsBase);

/// <summary>Something that issues kernel launches: the CUDA stream, or a recorder in tests.</summary>
public interface IKernelLauncher
{
    void Launch(KernelLaunch launch);
}

/// <summary>
/// Translates a KernelPlan into launches: geometry straight from the plan, and each argument the
/// device address of the value's storage (reshape aliases resolved) in the arena or weight blob.
/// Pure, so it is tested without a GPU.
/// </summary>
public static class LaunchTranslation
{
    public static IReadOnlyList<KernelLaunch> Build(KernelPlan plan, DeviceRegions regions) =>
        plan.Kernels.Select(k => new KernelLaunch(
            k.Name,
            string.Join(", ", k.Layers),
            k.Launch,
            k.Args.Select(a => AddressOf(plan, a, regions)).ToEquatableArray())).ToList();

    public static ulong AddressOf(KernelPlan plan, int value, DeviceRegions regions)
    {
        var storage = plan.Storage(value);
        return storage.Kind == ValueKind.Weight
            ? regions.WeightsBase + (ulong)storage.WeightOffset
            : regions.ArenaBase + (ulong)storage.ArenaOffset;
    }
}

/// <summary>
/// cuLaunchKernel takes an array of pointers, each to one argument's value. This owns that
/// layout: values in one block of native memory, pointers to them in another.
/// </summary>
public sealed unsafe class PackedArguments : IDisposable
{
    private readonly ulong* _values;

    public PackedArguments(IReadOnlyList<ulong> arguments)
    {
        Count = arguments.Count;
        _values = (ulong*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)Math.Max(1, Count), sizeof(ulong));
        Pointers = (void**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)Math.Max(1, Count), (nuint)sizeof(void*));
        for (int i = 0; i < Count; i++)
        {
            _values[i] = arguments[i];
            Pointers[i] = &_values[i];
        }
    }

    public int Count { get; }
    public void** Pointers { get; }

    /// <summary>Reads argument <paramref name="i"/> back through its pointer, as the driver will.</summary>
    public ulong Read(int i) => *(ulong*)Pointers[i];

    public void Dispose()
    {
        System.Runtime.InteropServices.NativeMemory.Free(_values);
        System.Runtime.InteropServices.NativeMemory.Free(Pointers);
    }
}
