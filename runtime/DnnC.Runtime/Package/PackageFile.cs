using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DnnC.Runtime.Plan;

namespace DnnC.Runtime.Package;

/// <summary>
/// The plan package on disk (docs/plan-package.md), one file that checks every byte of itself:
/// <code>
/// offset 0   8 bytes   magic "DNNCPKG\0"
///        8   uint32    format version (little-endian), <see cref="FormatVersion"/>
///       12   uint32    manifest length M
///       16   32 bytes  SHA-256 of the manifest
///       48   M bytes   manifest, UTF-8 JSON: model, interface, and each part's name, offset, length and SHA-256
///            parts     at 64-byte-aligned offsets, zero bytes between them; the file ends where the last part ends
/// </code>
/// Parts: <c>plan.json</c> (<see cref="PlanJson"/>), <c>weights.bin</c> (the encoded blob), <c>plan.&lt;arch&gt;.json</c> for each
/// target lowered to another plan, <c>kernels.&lt;arch&gt;.cubin</c> per architecture, <c>kernels.ptx</c>. Reading verifies the header, the manifest's hash, the layout, the padding and every
/// part's hash before it decodes anything, so a flipped or missing byte anywhere is a <see cref="PackageException"/>,
/// never a plan that runs with other numbers.
/// </summary>
public static class PackageFile
{
    public const int FormatVersion = 1;
    public const string Extension = ".dnnpkg";
    private const int HeaderBytes = 48;
    private const int PartAlignment = 64;
    private static readonly byte[] Magic = "DNNCPKG\0"u8.ToArray();

    private const string FormatName = "dnnc-plan-package";

    public static void Write(PlanPackage package, Stream stream)
    {
        var contents = new List<(string Name, byte[] Bytes)>
        {
            ("plan.json", PlanJson.Serialize(package.Plan)),
            ("weights.bin", package.Weights.Bytes),
        };
        foreach (var (arch, plan) in (package.OtherPlans ?? new Dictionary<string, KernelPlan>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (plan.Values != package.Plan.Values) throw new ArgumentException($"the plan for {arch} places values differently; one weight blob cannot serve it");
            contents.Add(($"plan.{arch}.json", PlanJson.Serialize(plan)));
        }
        contents.AddRange(package.Cubins.OrderBy(c => c.Arch, StringComparer.Ordinal).Select(c => ($"kernels.{c.Arch}.cubin", c.Image)));
        if (!string.IsNullOrEmpty(package.Ptx)) contents.Add(("kernels.ptx", Encoding.UTF8.GetBytes(package.Ptx)));

        // Offsets depend on the manifest's length, which depends on the offsets: lay out until the length is stable.
        var hashes = contents.AsParallel().AsOrdered().Select(c => Convert.ToHexStringLower(SHA256.HashData(c.Bytes))).ToArray();
        byte[] manifest = [];
        PackagePart[] parts = [];
        for (int pass = 0; pass < 8; pass++)
        {
            long at = Align(HeaderBytes + manifest.Length);
            parts = contents.Select((c, i) =>
            {
                var part = new PackagePart(c.Name, at, c.Bytes.Length, hashes[i]);
                at = Align(at + c.Bytes.Length);
                return part;
            }).ToArray();
            var next = PlanJson.Serialize(new PackageManifest(FormatName, package.Plan.ModelName, package.CreatedBy, package.Interface, package.PtxArch, parts));
            bool stable = next.Length == manifest.Length;
            manifest = next;
            if (stable) break;
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)manifest.Length);
        SHA256.HashData(manifest, header[16..]);
        stream.Write(header);
        stream.Write(manifest);
        long written = HeaderBytes + manifest.Length;
        for (int i = 0; i < parts.Length; i++)
        {
            stream.Write(new byte[parts[i].Offset - written]);
            stream.Write(contents[i].Bytes);
            written = parts[i].Offset + parts[i].Bytes;
        }
    }

    /// <summary>Writes the package to <paramref name="path"/> through a temporary file, so a failure leaves nothing half-written.</summary>
    public static void Write(PlanPackage package, string path)
    {
        string temporary = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = File.Create(temporary)) Write(package, stream);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <exception cref="PackageException">The file cannot be read, is not a package, or is damaged.</exception>
    public static PlanPackage Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PackageException(path, $"cannot read it: {e.Message}");
        }
        return Read(bytes, path);
    }

    /// <summary>Reads a package held in memory (an embedded resource); <paramref name="path"/> names it in messages.</summary>
    public static PlanPackage Read(byte[] bytes, string path)
    {
        PackageException Damaged(string what) => new(path, $"the package is damaged: {what}");

        if (bytes.Length < HeaderBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new PackageException(path, "it is not a DnnC plan package (no DNNCPKG header); `dnnc build` writes one as plan.dnnpkg");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
            throw new PackageException(path, $"it has package format version {version}, and this dnnc reads version {FormatVersion}; rebuild the model with this dnnc");
        uint manifestLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        if (manifestLength > bytes.Length - HeaderBytes) throw Damaged($"the manifest length {manifestLength} runs past the end of the file ({bytes.Length} bytes)");
        var manifestBytes = bytes.AsSpan(HeaderBytes, (int)manifestLength);
        if (!SHA256.HashData(manifestBytes).AsSpan().SequenceEqual(bytes.AsSpan(16, 32))) throw Damaged("the manifest does not match its SHA-256");

        PackageManifest manifest;
        try
        {
            manifest = PlanJson.DeserializeManifest(manifestBytes) ?? throw new JsonException("null manifest");
        }
        catch (JsonException e)
        {
            throw Damaged($"the manifest is not valid: {e.Message}");
        }
        if (manifest.Format != FormatName) throw Damaged($"the manifest says format '{manifest.Format}', not '{FormatName}'");

        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long end = HeaderBytes + manifestLength;
        foreach (var part in manifest.Parts)
        {
            if (part.Offset < end || part.Offset % PartAlignment != 0 || part.Bytes < 0 || part.Bytes > bytes.Length - part.Offset)
                throw Damaged($"part {part.Name} at offset {part.Offset} ({part.Bytes} bytes) does not fit the file's {bytes.Length} bytes after byte {end}");
            if (bytes.AsSpan((int)end, (int)(part.Offset - end)).ContainsAnyExcept((byte)0))
                throw Damaged($"the padding before part {part.Name} is not zero");
            var content = bytes.AsSpan((int)part.Offset, (int)part.Bytes);
            if (Convert.ToHexStringLower(SHA256.HashData(content)) != part.Sha256)
                throw Damaged($"part {part.Name} does not match its SHA-256");
            if (!contents.TryAdd(part.Name, content.ToArray())) throw Damaged($"part {part.Name} appears twice");
            end = part.Offset + part.Bytes;
        }
        if (end != bytes.Length) throw Damaged($"the parts end at byte {end}, and the file has {bytes.Length}");
        if (!contents.TryGetValue("plan.json", out var planJson) || !contents.TryGetValue("weights.bin", out var weights))
            throw Damaged("it has no plan.json or no weights.bin part");

        Plan.KernelPlan plan;
        try
        {
            plan = PlanJson.Deserialize(planJson);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw Damaged($"plan.json is not a kernel plan: {e.Message}");
        }
        if (plan.FormatVersion != Plan.KernelPlan.CurrentFormatVersion)
            throw new PackageException(path, $"its plan has format version {plan.FormatVersion}, and this dnnc runs version {Plan.KernelPlan.CurrentFormatVersion}; rebuild the model");
        if (weights.Length != plan.WeightBytes) throw Damaged($"weights.bin holds {weights.Length} bytes and the plan places {plan.WeightBytes}");

        var others = new Dictionary<string, KernelPlan>(StringComparer.Ordinal);
        foreach (var (name, json) in contents.Where(c => c.Key.StartsWith("plan.", StringComparison.Ordinal) && c.Key != "plan.json"))
        {
            string arch = name["plan.".Length..^".json".Length];
            KernelPlan other;
            try
            {
                other = PlanJson.Deserialize(json);
            }
            catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
            {
                throw Damaged($"{name} is not a kernel plan: {e.Message}");
            }
            if (other.Values != plan.Values) throw Damaged($"{name} places its values differently from plan.json");
            others[arch] = other;
        }
        var cubins = contents.Where(c => c.Key.StartsWith("kernels.", StringComparison.Ordinal) && c.Key.EndsWith(".cubin", StringComparison.Ordinal))
            .Select(c => new PackageCubin(c.Key["kernels.".Length..^".cubin".Length], c.Value)).ToList();
        string? ptx = contents.TryGetValue("kernels.ptx", out var ptxBytes) ? Encoding.UTF8.GetString(ptxBytes) : null;
        return new PlanPackage(plan, PlanWeights.FromBytes(weights), manifest.Interface, cubins, ptx, manifest.PtxArch, manifest.CreatedBy,
            others.Count > 0 ? others : null);
    }

    private static long Align(long offset) => (offset + PartAlignment - 1) / PartAlignment * PartAlignment;
}
