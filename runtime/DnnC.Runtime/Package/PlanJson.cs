using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Package;

/// <summary>
/// The kernel plan as JSON, read back to an equal plan (records compare by value). Only a record's own data is
/// written, the parameters of its primary constructor, not what its members compute; kernel specs and epilogue
/// steps carry a "$type" naming their record; enums are written by name and floats in shortest round-trip form
/// (NaN and infinities by name), so nothing is lost or rounded on the way.
/// </summary>
public static class PlanJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public static byte[] Serialize(KernelPlan plan) => JsonSerializer.SerializeToUtf8Bytes(plan, Options);

    /// <exception cref="JsonException">The bytes are not a plan.</exception>
    public static KernelPlan Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<KernelPlan>(json, Options) ?? throw new JsonException("the plan is null");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OnlyConstructorData, NamedSubtypes } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new EquatableArrayConverterFactory());
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

    /// <summary>Kernel specs and epilogue steps are hierarchies of records: every concrete one is written with its name.</summary>
    private static void NamedSubtypes(JsonTypeInfo info)
    {
        if (info.Type != typeof(KernelSpec) && info.Type != typeof(EpilogueStep)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization };
        foreach (var type in info.Type.Assembly.GetTypes().Where(t => t.IsSubclassOf(info.Type) && !t.IsAbstract).OrderBy(t => t.Name, StringComparer.Ordinal))
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, type.Name));
    }

    private sealed class EquatableArrayConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>);

        public override JsonConverter CreateConverter(Type type, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(EquatableArrayConverter<>).MakeGenericType(type.GetGenericArguments()[0]))!;
    }

    private sealed class EquatableArrayConverter<T> : JsonConverter<EquatableArray<T>>
    {
        public override EquatableArray<T> Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize<T[]>(ref reader, options) ?? throw new JsonException("an array is null"));

        public override void Write(Utf8JsonWriter writer, EquatableArray<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.AsImmutableArray().ToArray(), options);
    }
}
