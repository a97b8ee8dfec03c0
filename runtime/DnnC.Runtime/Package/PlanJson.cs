using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Package;

/// <summary>
/// The kernel plan as JSON, read back to an equal plan (records compare by value). Only a record's own data is
/// written, the parameters of its primary constructor, not what its members compute; kernel specs and epilogue
/// steps carry a "$type" naming their record (listed on <see cref="KernelSpec"/> and <see cref="EpilogueStep"/>);
/// enums are written by name and floats in shortest round-trip form (NaN and infinities by name), so nothing is
/// lost or rounded on the way. The metadata is generated at compile time (<see cref="PlanJsonContext"/>): no
/// reflection-emitted serializers to build on first use (a build writes its package in milliseconds, not a
/// quarter second), and nothing for trimming to remove.
/// </summary>
public static class PlanJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public static byte[] Serialize(KernelPlan plan) => JsonSerializer.SerializeToUtf8Bytes(plan, (JsonTypeInfo<KernelPlan>)Options.GetTypeInfo(typeof(KernelPlan)));

    /// <exception cref="JsonException">The bytes are not a plan.</exception>
    public static KernelPlan Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, (JsonTypeInfo<KernelPlan>)Options.GetTypeInfo(typeof(KernelPlan))) ?? throw new JsonException("the plan is null");

    /// <summary>Writes and reads back a small plan and manifest, so that the serializers are compiled before a real
    /// plan needs them (a command may call this on another thread while it does other work).</summary>
    public static void Prime()
    {
        var tile = new GemmTile(32, 32, 8, 4, 4);
        var conv = new ConvSpec(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, true, 0, [new ActivationStep(ActivationKind.Relu)],
            [new PlanOperand(3, [0, 1])], ConvAlgorithm.ImplicitGemm, tile);
        var plan = new KernelPlan(KernelPlan.CurrentFormatVersion, "prime",
            [new PlanValue(0, "x", ValueKind.Input, [1, 1, 1, 1], 0), new PlanValue(1, "w", ValueKind.Weight, [1, 1, 1, 1], WeightOffset: 0, WeightKey: "w")],
            [new PlanKernel("k0", conv, [0, 1], ["k"], new LaunchConfig(1, 1, 1, 32, 1, 1, 0))], [0], [new PlanOutput("y", 0)], 256, 256);
        Deserialize(Serialize(plan));
        var manifest = new PackageManifest("prime", "prime", "prime", new ModelInterface(["x"], [new InterfaceTensor("x", Numerics.ElementType.Float, [1])], [], []),
            null, [new PackagePart("p", 64, 1, "00")]);
        DeserializeManifest(Serialize(manifest));
    }

    internal static byte[] Serialize(PackageManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, (JsonTypeInfo<PackageManifest>)Options.GetTypeInfo(typeof(PackageManifest)));

    internal static PackageManifest? DeserializeManifest(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, (JsonTypeInfo<PackageManifest>)Options.GetTypeInfo(typeof(PackageManifest)));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(PlanJsonContext.Default.Options)
        {
            TypeInfoResolver = PlanJsonContext.Default.WithAddedModifier(OnlyConstructorData),
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Drops computed members (Macs, Template, GemmK, ...): a member is data when a constructor parameter carries it.</summary>
    private static void OnlyConstructorData(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.IsAbstract) return;
        var constructor = info.Type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).MaxBy(c => c.GetParameters().Length);
        if (constructor is null) return;
        var parameters = constructor.GetParameters().Select(p => p.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (int i = info.Properties.Count - 1; i >= 0; i--)
            if (!parameters.Contains(info.Properties[i].Name)) info.Properties.RemoveAt(i);
    }
}

/// <summary>An <see cref="EquatableArray{T}"/> as a JSON array.</summary>
internal sealed class EquatableArrayConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>);

    public override JsonConverter CreateConverter(Type type, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(EquatableArrayConverter<>).MakeGenericType(type.GetGenericArguments()[0]))!;

    private sealed class EquatableArrayConverter<T> : JsonConverter<EquatableArray<T>>
    {
        public override EquatableArray<T> Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<T[]>)options.GetTypeInfo(typeof(T[]))) ?? throw new JsonException("an array is null"));

        public override void Write(Utf8JsonWriter writer, EquatableArray<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.AsImmutableArray().ToArray(), (JsonTypeInfo<T[]>)options.GetTypeInfo(typeof(T[])));
    }
}

/// <summary>The compile-time JSON metadata of the plan and the package manifest, and of every array an
/// <see cref="EquatableArray{T}"/> in them holds.</summary>
[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UseStringEnumConverter = true,
    Converters = [typeof(EquatableArrayConverterFactory)])]
[JsonSerializable(typeof(KernelPlan))]
[JsonSerializable(typeof(PackageManifest))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(PlanValue[]))]
[JsonSerializable(typeof(PlanKernel[]))]
[JsonSerializable(typeof(PlanOutput[]))]
[JsonSerializable(typeof(PlanOperand[]))]
[JsonSerializable(typeof(EpilogueStep[]))]
[JsonSerializable(typeof(InterfaceTensor[]))]
[JsonSerializable(typeof(FixedInterfaceInput[]))]
internal sealed partial class PlanJsonContext : JsonSerializerContext;
