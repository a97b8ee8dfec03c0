using DnnC.Compiler.Build;
using DnnC.Compiler.IR;
using DnnC.Runtime.Encoders;
using DnnC.Runtime.Package;
using DnnC.Runtime.Plan;
using DnnC.Runtime.Tests.Simulator;
using DnnC.Simulator;
using DnnC.TestCases;
using DnnC.Tests.Shared;
using static DnnC.Runtime.Tests.Simulator.SimTestSupport;

namespace DnnC.Runtime.Tests.Package;

/// <summary>
/// The plan package: plans of every template read back equal through JSON, a package reads back as written, a
/// package's plan runs on the simulator exactly as the plan it was written from, and every damaged byte is refused.
/// </summary>
public sealed class PlanPackageTests
{
    /// <summary>Every simulator case, data-op case and math-op case: between them every kernel spec and epilogue step.</summary>
    public static IEnumerable<(string Name, Graph Graph)> AllGraphs()
    {
        foreach (var (name, text) in SimulatorVsReferenceTests.Cases) yield return (name, Dsl(text));
        foreach (var (name, build) in DataOpCases.All) yield return (name, build());
        foreach (var c in MathOpCases.All) yield return (c.Name, MathOpCases.Graph([c]));
        yield return ("fused math", MathOpCases.FusedGraph(seed: 3));
    }

    [Fact]
    public void Every_plan_reads_back_from_json_equal_to_itself()
    {
        var specs = new HashSet<Type>();
        foreach (var (name, graph) in AllGraphs())
        {
            var (_, plan) = Lower(graph);
            var json = PlanJson.Serialize(plan);
            Assert.True(plan == PlanJson.Deserialize(json), $"{name}: the plan changed through JSON:\n{System.Text.Encoding.UTF8.GetString(json)}");
            specs.UnionWith(plan.Kernels.Select(k => k.Spec.GetType()));
        }
        // Not a vacuous round trip: the cases cover every kernel spec the runtime defines.
        var all = typeof(KernelSpec).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(KernelSpec)) && !t.IsAbstract);
        Assert.Empty(all.Except(specs));
    }

    [Theory]
    [InlineData(typeof(KernelSpec))]
    [InlineData(typeof(EpilogueStep))]
    public void Every_spec_and_step_record_is_named_for_json(Type hierarchy)
    {
        var named = hierarchy.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), inherit: false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);
        var records = hierarchy.Assembly.GetTypes().Where(t => t.IsSubclassOf(hierarchy) && !t.IsAbstract).ToList();
        Assert.NotEmpty(records);
        Assert.All(records, t => Assert.True(named.TryGetValue(t, out var name) && name == t.Name, $"{t.Name} is not listed on {hierarchy.Name}"));
    }

    [Fact]
    public void Encoded_and_fp16_values_keep_their_storage_through_json()
    {
        var graph = Dsl("""
            model M(x: f32[1, 16, 6, 6]) -> (y) {
              y = x |> conv2d(8, kernel: 3, pad: 1) |> relu
            }
            """);
        var (optimized, _) = Lower(graph);
        var decided = optimized with
        {
            Nodes = optimized.Nodes.Select(n => n.Op is Conv2dOp ? n with { Numerics = new PlanNumerics(KernelPrecision.Fp16, WeightEncoding.Sparse24) } : n).ToEquatableArray(),
        };
        var plan = Compiler.Lowering.PlanLowering.Lower(decided, Targets.GpuTarget.H100, new Compiler.Diagnostics.DiagnosticBag());
        Assert.Contains(plan.Values, v => v.Encoded is { Encoding: WeightEncoding.Sparse24 } && v.Format == DnnC.Runtime.Numerics.ElementFormat.Float16);
        Assert.Equal(plan, PlanJson.Deserialize(PlanJson.Serialize(plan)));
    }

    [Fact]
    public void A_package_reads_back_as_written_and_its_plan_runs_bit_for_bit_as_the_original()
    {
        var (package, _) = SamplePackage();
        var bytes = Write(package);
        var read = PackageFile.Read(bytes, "sample.dnnpkg");

        Assert.Equal(package.Plan, read.Plan);
        Assert.Equal(package.Weights.Bytes, read.Weights.Bytes);
        Assert.Equal(package.Interface, read.Interface);
        Assert.Equal(package.Cubins.Select(c => (c.Arch, Convert.ToHexString(c.Image))), read.Cubins.Select(c => (c.Arch, Convert.ToHexString(c.Image))));
        Assert.Equal(package.Ptx, read.Ptx);
        Assert.Equal(package.PtxArch, read.PtxArch);

        var inputs = new Dictionary<string, HostTensor> { ["x"] = Random([1, 16, 10, 10], new Random(41)) };
        var expected = PlanSimulator.Run(package.Plan, package.Weights, inputs)["y"].Data;
        var actual = PlanSimulator.Run(read.Plan, read.Weights, inputs)["y"].Data;
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        Assert.DoesNotContain(actual, float.IsNaN);
    }

    [Fact]
    public void A_flipped_byte_anywhere_a_truncation_or_an_extra_byte_is_refused()
    {
        var (package, _) = SamplePackage();
        var bytes = Write(package);
        // Every byte of the header and a spread of positions over the whole file: manifest, padding and every part.
        var positions = Enumerable.Range(0, 48).Concat(Enumerable.Range(0, 400).Select(i => (int)((long)i * (bytes.Length - 1) / 399))).Distinct();
        foreach (int at in positions)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= (byte)(1 << (at % 8));
            Assert.Throws<PackageException>(() => PackageFile.Read(damaged, "damaged.dnnpkg"));
        }
        foreach (int length in new[] { 0, 7, 47, 48, bytes.Length / 2, bytes.Length - 1 })
            Assert.Throws<PackageException>(() => PackageFile.Read(bytes[..length], "truncated.dnnpkg"));
        Assert.Throws<PackageException>(() => PackageFile.Read([.. bytes, 0], "longer.dnnpkg"));
    }

    [Fact]
    public void Damage_is_named_by_the_part_it_hits()
    {
        var (package, _) = SamplePackage();
        var bytes = Write(package);
        var damaged = (byte[])bytes.Clone();
        damaged[^1] ^= 1;   // the last part, the PTX
        var e = Assert.Throws<PackageException>(() => PackageFile.Read(damaged, "p.dnnpkg"));
        Assert.Contains("kernels.ptx does not match its SHA-256", e.Message);

        var other = (byte[])bytes.Clone();
        other[8] = 9;
        Assert.Contains("format version 9", Assert.Throws<PackageException>(() => PackageFile.Read(other, "p.dnnpkg")).Message);
        Assert.Contains("not a DnnC plan package", Assert.Throws<PackageException>(() => PackageFile.Read("not a package"u8.ToArray(), "p")).Message);
    }

    /// <summary>A two-kernel conv model's package, with stand-in kernel images (nothing here runs them).</summary>
    private static (PlanPackage Package, Graph Source) SamplePackage()
    {
        var graph = Dsl("""
            model M(x: f32[1, 16, 10, 10]) -> (y) {
              weights seed 5
              a = x |> conv2d(16, kernel: 3, pad: 1) |> relu
              y = a |> conv2d(8, kernel: 1) |> add(a |> conv2d(8, kernel: 1))
            }
            """);
        var (optimized, plan) = Lower(graph);
        var image = new byte[3000];
        new Random(9).NextBytes(image);
        var package = new PlanPackage(plan, WeightPacker.Pack(plan, optimized.Weights.Items), BuildPackage.InterfaceOf(graph, plan),
            [new PackageCubin("sm_80", image), new PackageCubin("sm_90", image[..1000])], ".version 7.8\n.target sm_90\n", "sm_90", "dnnc test");
        return (package, graph);
    }

    private static byte[] Write(PlanPackage package)
    {
        using var stream = new MemoryStream();
        PackageFile.Write(package, stream);
        return stream.ToArray();
    }
}
