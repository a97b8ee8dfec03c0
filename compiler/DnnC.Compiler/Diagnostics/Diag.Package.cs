using DnnC.Compiler.Text;

namespace DnnC.Compiler.Diagnostics;

public static partial class Diag
{
    /// <summary>A build directory (or .dnnpkg path) given to run or simulate holds no package.</summary>
    public static Diagnostic PackageMissing(string given, string expected) =>
        Error("DNN3120", SourceLocation.InFile(given), $"no build package here: '{expected}' does not exist",
            "`dnnc build MODEL -o DIR` writes DIR/plan.dnnpkg; run or simulate DIR, or the model itself");

    /// <summary>A build package that cannot be read, is not a package, or fails its integrity checks.</summary>
    public static Diagnostic PackageUnreadable(string path, string detail) =>
        Error("DNN3121", SourceLocation.InFile(path), $"cannot load build package: {detail}",
            "rebuild it with `dnnc build MODEL -o DIR`; a package is never run with damaged bytes");

    /// <summary>An option that changes how a model compiles, given with a build that is already compiled.</summary>
    public static Diagnostic OptionNeedsModel(string path, string option) =>
        Error("DNN3122", SourceLocation.InFile(path), $"{option} changes how a model compiles, and '{path}' is a build that is already compiled",
            "pass it to `dnnc build`, or give the model instead of the build");
}
