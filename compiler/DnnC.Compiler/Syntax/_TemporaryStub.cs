using DnnC.Compiler.Diagnostics;
using DnnC.Compiler.IR;
using DnnC.Compiler.Text;
namespace DnnC.Compiler.Syntax;
public static class DslFrontend { public static Graph? Load(SourceText source, DiagnosticBag diagnostics) => null; }
