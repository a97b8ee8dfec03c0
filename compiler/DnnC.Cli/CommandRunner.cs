using System.CommandLine;
using DnnC.Compiler.Diagnostics;

namespace DnnC.Cli;

/// <summary>A mistake in how dnnc was called (exit 2), as opposed to a mistake in the model (exit 1).</summary>
public sealed class UsageException(string message) : Exception(message);

public static class ExitCodes
{
    public const int Ok = 0;
    public const int ModelErrors = 1;
    public const int Usage = 2;
    public const int Internal = 3;
}

/// <summary>Parses, dispatches, and turns every failure into a diagnostic and an exit code: never a stack trace.</summary>
public static class CommandRunner
{
    public static int Execute(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"dnnc: error: {error.Message}");
            Console.Error.WriteLine("Run 'dnnc --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    /// <summary>Runs a command body with the same error policy; commands call this from their actions.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    private static int Report(Exception e)
    {
        switch (e)
        {
            case CompilationFailedException failed:
                PrintDiagnostics(failed.Diagnostics);
                int errors = failed.Diagnostics.Count(d => d.IsError);
                Console.Error.WriteLine($"{errors} error(s)");
                return failed.Diagnostics.Any(d => d.IsError && d.Code.StartsWith("DNN9", StringComparison.Ordinal) && IsUsageCode(d.Code))
                    ? ExitCodes.Usage
                    : ExitCodes.ModelErrors;
            case DnnC.Compiler.Tensors.TensorFileException tensorFile:
                PrintDiagnostics([Diag.TensorFile(tensorFile)]);
                return ExitCodes.ModelErrors;
            case DnnC.Runtime.Cuda.CudaException cuda:
                PrintDiagnostics([CudaBackend.ToDiagnostic(cuda)]);
                return ExitCodes.ModelErrors;
            case DnnC.Runtime.Cuda.CudaLoadException load:
                PrintDiagnostics([Diag.CudaLoadFailed(load.Message)]);
                return ExitCodes.ModelErrors;
            case UsageException usage:
                Console.Error.WriteLine($"dnnc: error: {usage.Message}");
                return ExitCodes.Usage;
            default:
                string file = Path.Combine(Path.GetTempPath(), $"dnnc-crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt");
                try { File.WriteAllText(file, e.ToString()); } catch (IOException) { file = "(could not be written)"; }
                Console.Error.WriteLine($"dnnc: internal error: {e.GetType().Name}: {FirstLine(e.Message)}");
                Console.Error.WriteLine($"  details: {file}");
                return ExitCodes.Internal;
        }
    }

    /// <summary>Command-line problems (bad flags, bad --input syntax, unknown target) are usage errors.</summary>
    private static bool IsUsageCode(string code) => code is "DNN9005" or "DNN9006" or "DNN9007" or "DNN9010";

    public static void PrintDiagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics) Console.Error.Write(DiagnosticRenderer.Render(d));
    }

    private static string FirstLine(string text) => text.Split('\n')[0];
}
