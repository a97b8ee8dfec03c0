using System.Globalization;
using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Onnx;
using DnnC.Compiler.Passes;
using DnnC.Compiler.Tensors;
using DnnC.Compiler.Text;
using DnnC.Runtime;
using DnnC.Runtime.Numerics;
using DnnC.Runtime.Package;

namespace DnnC.Compiler.Build;

/// <summary>
/// What a user gives besides the model. <see cref="Files"/> are <c>[NAME=]FILE</c> (run's inputs;
/// unnamed ones bind in the model's declared input order), <see cref="Shapes"/> fix dynamic
/// dimensions (<c>--input NAME=DIMS</c>), <see cref="Values"/> are <c>--input-value NAME=FILE|v1,v2,...</c>.
/// </summary>
public sealed record GivenInputs(IReadOnlyList<string> Files, IReadOnlyDictionary<string, int[]> Shapes, IReadOnlyList<string> Values)
{
    public static readonly GivenInputs None = new([], new Dictionary<string, int[]>(), []);

    public static GivenInputs WithShapes(IReadOnlyDictionary<string, int[]>? shapes) => None with { Shapes = shapes ?? new Dictionary<string, int[]>() };
}

/// <summary>An input file bound to a declared input: where it came from and what it holds.</summary>
public sealed record BoundFile(string Input, string Path, TypedTensor Tensor);

/// <summary>A model loaded for the inputs it was given: the graph, and the input files by input name.</summary>
public sealed record LoadedModel(Graph Graph, IReadOnlyDictionary<string, BoundFile> Files);

/// <summary>A build package (<c>dnnc build</c>'s plan.dnnpkg) loaded for the inputs it was given.</summary>
public sealed record LoadedPackage(PlanPackage Package, string Path, IReadOnlyDictionary<string, BoundFile> Files)
{
    /// <summary>The runtime inputs as graph inputs, for feeds and seeding.</summary>
    public IReadOnlyList<GraphInput> Inputs => Package.Interface.Inputs
        .Select(i => new GraphInput(i.Name, TensorType.F32([.. i.Shape]), SourceLocation.InFile(Path), i.ElementType)).ToList();
}

/// <summary>
/// The one entry point from (model, given inputs, options) to a graph, shared by <c>dnnc build</c>,
/// <c>check</c>, <c>run</c>, <c>simulate</c> and the conformance runner. It binds input files to
/// the model's declared inputs, takes dynamic dimensions from them, specialises the model on the
/// inputs whose values the compiler needs at compile time, and, for a run, turns the files into
/// the backend's float32 feeds, checking each against what the model declares and was built for.
/// </summary>
public static class ModelFrontDoor
{
    /// <summary>Whether <paramref name="path"/> names a build rather than a model: a build directory or a .dnnpkg file.</summary>
    public static bool IsPackage(string path) =>
        Directory.Exists(path) || Path.GetExtension(path).Equals(PackageFile.Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Loads a build (a directory <c>dnnc build</c> wrote, or its plan.dnnpkg) after checking every byte of it, and binds
    /// the input files to its inputs as for a model. Its shapes and specialised values were fixed when it was built.
    /// </summary>
    public static LoadedPackage LoadPackage(string path, GivenInputs given, DiagnosticBag diagnostics)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, BuildPackage.FileName) : path;
        if (!File.Exists(file))
        {
            diagnostics.Add(Diag.PackageMissing(path, file));
            throw new CompilationFailedException(diagnostics.Items);
        }
        PlanPackage package;
        try
        {
            package = PackageFile.Read(file);
        }
        catch (PackageException e)
        {
            diagnostics.Add(Diag.PackageUnreadable(e.Path, e.Message));
            throw new CompilationFailedException(diagnostics.Items);
        }
        var iface = package.Interface;
        // Every declared input is a runtime input or a fixed one; both bind files the same way.
        var tensors = iface.Inputs.Select(i => (i.Name, i.ElementType, i.Shape))
            .Concat(iface.FixedInputs.Select(f => (f.Name, f.ElementType, f.Shape))).ToDictionary(t => t.Name);
        var declared = iface.DeclaredInputs.Select(name =>
            new DeclaredInput(name, tensors[name].ElementType, tensors[name].Shape.Select(d => (long?)d).ToArray())).ToList();
        var files = BindFiles(declared, given.Files, diagnostics);
        foreach (var (name, shape) in given.Shapes)
        {
            var built = declared.FirstOrDefault(d => d.Name == name);
            if (built is null || !built.Dims!.SequenceEqual(shape.Select(d => (long?)d)))
                diagnostics.Add(Diag.BadInputBinding($"{name}={string.Join("x", shape)}",
                    built is null ? $"the build has no input '{name}'" : $"the build was made for {name} {built.ShapeText}; rebuild the model for another shape"));
        }
        foreach (var flag in given.Values)
            diagnostics.Add(Diag.BadInputValue(flag, "a build is specialised when it is built: pass --input-value to dnnc build"));
        CheckFixedInputs(iface.FixedInputs.Select(f => (f.Name, f.ElementType, f.Shape, f.Values)), files, diagnostics);
        if (diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);
        return new LoadedPackage(package, file, files);
    }

    public static LoadedModel Load(string modelPath, CompileOverrides overrides, GivenInputs given, DiagnosticBag diagnostics)
    {
        var graph = Import(modelPath, given, diagnostics, out var files);
        if (graph is null || diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);
        CheckFixedInputs(graph.FixedInputs.Select(f => (f.Name, f.ElementType, f.Shape, f.Value)), files, diagnostics);
        if (diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);
        graph = graph with { Options = overrides.ApplyTo(graph.Options) };
        PendingFeatures.Warn(graph, diagnostics);
        return new LoadedModel(graph, files);
    }

    private static Graph? Import(string modelPath, GivenInputs given, DiagnosticBag diagnostics, out Dictionary<string, BoundFile> files)
    {
        files = new Dictionary<string, BoundFile>(StringComparer.Ordinal);
        bool isOnnx = Path.GetExtension(modelPath).Equals(".onnx", StringComparison.OrdinalIgnoreCase);
        if (!isOnnx)
        {
            var dsl = ModelLoader.Load(modelPath, diagnostics);
            if (dsl is null) return null;
            var declared = dsl.Inputs.Select(i => new DeclaredInput(i.Name, i.ElementType, i.Type.Shape.Select(d => (long?)d).ToArray())).ToList();
            files = BindFiles(declared, given.Files, diagnostics);
            InputShapes.CheckAgainst(dsl, given.Shapes, diagnostics);
            foreach (var flag in given.Values)
                diagnostics.Add(Diag.BadInputValue(flag, "a .dnn model's inputs are data; nothing in it is computed from an input at compile time"));
            return dsl;
        }
        var model = OnnxModelFile.Open(modelPath, diagnostics);
        if (model is null) return null;
        var inputs = model.Inputs;
        files = BindFiles(inputs, given.Files, diagnostics);
        var values = InputValues.Parse(given.Values, inputs, diagnostics);
        if (diagnostics.HasErrors) return null;

        var shapes = new Dictionary<string, int[]>(given.Shapes, StringComparer.Ordinal);
        foreach (var (name, file) in files)
        {
            if (shapes.TryGetValue(name, out var flag) && !flag.SequenceEqual(file.Tensor.Shape))
                diagnostics.Add(Diag.InputShapeMismatch(file.Path, name, $"[{string.Join(", ", flag)}] by --input", file.Tensor.ShapeText));
            shapes[name] = file.Tensor.Shape;
        }
        if (diagnostics.HasErrors) return null;
        var offered = files.ToDictionary(f => f.Key, f => f.Value.Tensor, StringComparer.Ordinal);
        return model.Import(new OnnxImportRequest(shapes, values, offered), diagnostics);
    }

    /// <summary>
    /// Binds <c>[NAME=]FILE</c> flags: named ones first, then the unnamed ones, in order, to the
    /// declared inputs not yet bound. Each file is read and checked against the declaration.
    /// </summary>
    private static Dictionary<string, BoundFile> BindFiles(IReadOnlyList<DeclaredInput> declared, IReadOnlyList<string> flags, DiagnosticBag diagnostics)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        foreach (var flag in flags)
        {
            int eq = flag.IndexOf('=');
            // NAME=FILE only when NAME is an input: a file name may itself contain '='.
            if (eq > 0 && declared.Any(d => d.Name == flag[..eq]))
            {
                if (!paths.TryAdd(flag[..eq], flag[(eq + 1)..]))
                    diagnostics.Add(Diag.BadInputBinding(flag, $"input '{flag[..eq]}' is given twice"));
            }
            else positional.Add(flag);
        }
        var unbound = new Queue<DeclaredInput>(declared.Where(d => !paths.ContainsKey(d.Name)));
        foreach (var path in positional)
        {
            if (unbound.Count == 0)
            {
                diagnostics.Add(Diag.BadInputBinding(path,
                    $"the model has only {declared.Count} input(s) ({string.Join(", ", declared.Select(d => d.Name))}) and each already has a file"));
                continue;
            }
            paths[unbound.Dequeue().Name] = path;
        }

        var files = new Dictionary<string, BoundFile>(StringComparer.Ordinal);
        foreach (var input in declared)
        {
            // A sequence or optional input is not read as a tensor: the importer reports it (DNN6019).
            if (!paths.TryGetValue(input.Name, out var path) || !input.IsTensor) continue;
            TypedTensor tensor;
            try
            {
                tensor = TensorFiles.ReadTyped(path).Tensor;
            }
            catch (TensorFileException e)
            {
                diagnostics.Add(Diag.TensorFile(e));
                continue;
            }
            if (ElementTypes.IsNumeric(input.ElementType) && tensor.Type != input.ElementType)
            {
                var converted = AsDeclaredType(tensor, input, path, diagnostics);
                if (converted is null) continue;
                tensor = converted;
            }
            if (!FitsDeclaredShape(input.Dims, tensor.Shape))
                diagnostics.Add(Diag.InputShapeMismatch(path, input.Name, input.ShapeText, tensor.ShapeText));
            else files[input.Name] = new BoundFile(input.Name, path, tensor);
        }
        return files;
    }

    /// <summary>
    /// A file of another element type than declared is taken when every value is a value of the
    /// declared type (int32 indices for an int64 input, float64 data holding float32 values); float64
    /// data for a float32 input rounds, with a warning (NumPy's default dtype is float64). Anything
    /// else is refused, naming the first value that does not fit.
    /// </summary>
    private static TypedTensor? AsDeclaredType(TypedTensor tensor, DeclaredInput input, string path, DiagnosticBag diagnostics)
    {
        var converted = tensor.As(input.ElementType);
        int changed = Enumerable.Range(0, tensor.Count).FirstOrDefault(i => !converted.Values[i].Equals(tensor.Values[i]), -1);
        if (changed < 0) return converted;
        if (tensor.Type == ElementType.Double && input.ElementType == ElementType.Float)
        {
            diagnostics.Add(Diag.InputRoundedToFloat32(path, input.Name, TensorFiles.InexactMessage(tensor, changed)));
            return converted;
        }
        diagnostics.Add(Diag.InputTypeMismatch(path, input.Name, ElementTypes.Name(input.ElementType),
            $"{ElementTypes.Name(tensor.Type)}, and its element {changed} ({tensor.Values[changed].ToString(CultureInfo.InvariantCulture)}) is not a value of {ElementTypes.Name(input.ElementType)}"));
        return null;
    }

    private static bool FitsDeclaredShape(long?[]? dims, int[] shape) =>
        dims is null || dims.Length == shape.Length && dims.Zip(shape).All(p => p.First is null || p.First == p.Second);

    /// <summary>A file given for a fixed input must hold what the model was built for: the specialised value, or nothing.</summary>
    private static void CheckFixedInputs(IEnumerable<(string Name, ElementType Type, EquatableArray<int> Shape, EquatableArray<double> Value)> fixedInputs,
        IReadOnlyDictionary<string, BoundFile> files, DiagnosticBag diagnostics)
    {
        foreach (var input in fixedInputs)
        {
            if (!files.TryGetValue(input.Name, out var file)) continue;
            if (!file.Tensor.Shape.SequenceEqual(input.Shape) || !SameValues(file.Tensor.Values, input.Value))
                diagnostics.Add(Diag.SpecialisedInputMismatch(file.Path, input.Name, Describe(input.Shape.ToArray(), input.Value.ToArray()),
                    Describe(file.Tensor.Shape, file.Tensor.Values)));
        }
    }

    private static bool SameValues(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Equals(p.Second));   // Equals: NaN matches NaN

    private static string Describe(int[] shape, IReadOnlyList<double> values)
    {
        var shown = values.Take(8).Select(v => v.ToString(CultureInfo.InvariantCulture));
        return $"{string.Join("x", shape.DefaultIfEmpty(1))} values [{string.Join(", ", shown)}{(values.Count > 8 ? ", ..." : "")}]";
    }

    /// <summary>
    /// The float32 feeds of a run: every runtime input from its file (a value float32 cannot hold
    /// exactly is refused, naming the input and the index), or, with <paramref name="seed"/>,
    /// seeded values for the inputs given no file. Inputs the graph holds as constants take no feed.
    /// </summary>
    public static Dictionary<string, HostTensor> Feeds(LoadedModel model, int? seed, DiagnosticBag diagnostics) =>
        Feeds(model.Graph.Inputs, model.Files, seed, diagnostics);

    /// <summary>The float32 feeds of a run of a build package, by the same rules as for a model.</summary>
    public static Dictionary<string, HostTensor> Feeds(LoadedPackage package, int? seed, DiagnosticBag diagnostics) =>
        Feeds(package.Inputs, package.Files, seed, diagnostics);

    private static Dictionary<string, HostTensor> Feeds(IReadOnlyList<GraphInput> inputs, IReadOnlyDictionary<string, BoundFile> files, int? seed, DiagnosticBag diagnostics)
    {
        var feeds = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (!files.TryGetValue(input.Name, out var file)) continue;
            int inexact = file.Tensor.FirstInexactIndex();
            // A DOUBLE model computes in float32 in DnnC, as it would with any float32 engine: its
            // inputs round, and the run says so. An integer that float32 would change is refused.
            if (inexact >= 0 && file.Tensor.Type == ElementType.Double)
                diagnostics.Add(Diag.InputRoundedToFloat32(file.Path, input.Name, TensorFiles.InexactMessage(file.Tensor, inexact)));
            else if (inexact >= 0)
            {
                diagnostics.Add(Diag.InputNotExact(file.Path, input.Name, TensorFiles.InexactMessage(file.Tensor, inexact)));
                continue;
            }
            feeds[input.Name] = file.Tensor.ToHost();
        }
        if (seed is int s && !diagnostics.HasErrors)
        {
            // Drawn for every input in graph order, given or not, so a file for one input does not shift the others' values.
            var random = new Random(s);
            foreach (var input in inputs)
                feeds.TryAdd(input.Name, SeededInputs.Draw(input, random));
        }
        if (!diagnostics.HasErrors)
            foreach (var missing in inputs.Where(i => !feeds.ContainsKey(i.Name)))
                diagnostics.Add(Diag.BadInputBinding("", $"no tensor given for input '{missing.Name}' {ElementTypes.Name(missing.ElementType)}[{string.Join(", ", missing.Type.Shape)}]; " +
                    $"pass --input {missing.Name}=FILE (or --seed N)"));
        if (diagnostics.HasErrors) throw new CompilationFailedException(diagnostics.Items);
        return feeds;
    }
}
