namespace DnnC.Runtime.Package;

/// <summary>One part of a package file: where it lies and the SHA-256 (lower-case hex) of its bytes.</summary>
internal sealed record PackagePart(string Name, long Offset, long Bytes, string Sha256);

/// <summary>The manifest at the head of a package file (docs/plan-package.md).</summary>
internal sealed record PackageManifest(string Format, string Model, string CreatedBy, ModelInterface Interface, string? PtxArch, PackagePart[] Parts);
