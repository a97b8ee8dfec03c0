using System.Reflection;
using System.Runtime.InteropServices;

namespace DnnC.Runtime.Cuda;

/// <summary>
/// Maps the logical library names used by the interop declarations ("nvrtc", "cuda") to the
/// versioned files a CUDA installation actually ships, newest first. Registered once for this
/// assembly; callers probe with <see cref="Load"/> first so that a missing library surfaces as a
/// <see cref="CudaLibraryNotFoundException"/> instead of a DllNotFoundException from a stub. An
/// NVRTC loaded from a directory gets the builtins library beside it loaded first (<see cref="NvrtcBuiltins"/>).
/// </summary>
public static class CudaLibraryResolver
{
    public const string Nvrtc = "nvrtc";
    public const string Driver = "cuda";

    // Bare names first (LD_LIBRARY_PATH and the loader cache decide), then the toolkit's default
    // install directory, which a CUDA toolkit does not add to the loader path by itself.
    private static readonly string[] NvrtcCandidates =
    [
        "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so",
        "/usr/local/cuda/lib64/libnvrtc.so.13", "/usr/local/cuda/lib64/libnvrtc.so.12", "/usr/local/cuda/lib64/libnvrtc.so",
        "nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll",
    ];

    // The bare soname first, then the folders drivers install into, for a process whose loader path
    // misses them (a container, a cleared LD_LIBRARY_PATH). The forward-compatibility driver of a
    // toolkit (cuda/compat) comes last: it works only beside a matching kernel module, so the
    // system's own driver wins. Never /usr/local/cuda/lib64/stubs: its libcuda.so exists for linking
    // only, loads fine, and then fails every call with CUDA_ERROR_STUB_LIBRARY; for the same reason
    // no unversioned "libcuda.so" is probed, since a loader path holding the stubs resolves it there.
    private static readonly string[] DriverCandidates =
    [
        "libcuda.so.1",
        "/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib/aarch64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1",
        "/usr/lib/wsl/lib/libcuda.so.1", "/usr/local/cuda/compat/libcuda.so.1",
        "nvcuda.dll",
    ];

    private static readonly Dictionary<string, string[]> Candidates = new()
    {
        [Nvrtc] = NvrtcCandidates,
        [Driver] = DriverCandidates,
    };

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, (nint Handle, string File)> Loaded = new();
    private static string? _nvrtcBuiltins;
    private static bool _registered;

    /// <summary>
    /// Names the one NVRTC library to load, for an installation outside the loader path (and for
    /// tests that need NVRTC to be missing).
    /// </summary>
    public const string NvrtcOverrideVariable = "DNNC_NVRTC_LIBRARY";

    /// <summary>The file names probed for a logical library, in order.</summary>
    public static IReadOnlyList<string> CandidatesFor(string library) =>
        CandidatesFor(library, Environment.GetEnvironmentVariable(NvrtcOverrideVariable));

    /// <summary>The same, with the value of <see cref="NvrtcOverrideVariable"/> given (tests pass it instead of setting it).</summary>
    internal static IReadOnlyList<string> CandidatesFor(string library, string? nvrtcOverride) =>
        library == Nvrtc && nvrtcOverride is { Length: > 0 } only ? [only] : Candidates[library];

    /// <summary>Loads the library or throws <see cref="CudaLibraryNotFoundException"/>.</summary>
    public static nint Load(string library)
    {
        if (TryLoad(library, out nint handle, out string reason)) return handle;
        throw new CudaLibraryNotFoundException(library, CandidatesFor(library), reason);
    }

    public static bool TryLoad(string library, out nint handle, out string reason)
    {
        EnsureRegistered();
        lock (Gate)
        {
            if (Loaded.TryGetValue(library, out var loaded))
            {
                handle = loaded.Handle;
                reason = "";
                return true;
            }
            Action<string>? beforeEach = library == Nvrtc ? PreloadBuiltinsBeside : null;
            if (!TryLoadFirst(CandidatesFor(library), out handle, out string file, out reason, beforeEach)) return false;
            Loaded[library] = (handle, file);
            // Builtins preloaded for a candidate that then failed to load belong to no NVRTC in use.
            if (_nvrtcBuiltins is not null && Path.GetDirectoryName(_nvrtcBuiltins) != Path.GetDirectoryName(file)) _nvrtcBuiltins = null;
            return true;
        }
    }

    /// <summary>The file that was loaded for a logical library, or null when it has not been loaded.</summary>
    public static string? LoadedFile(string library)
    {
        lock (Gate) return Loaded.TryGetValue(library, out var loaded) ? loaded.File : null;
    }

    /// <summary>
    /// The libnvrtc-builtins file loaded beside an NVRTC taken from a directory (see
    /// <see cref="NvrtcBuiltins"/>), or null: NVRTC found by bare name finds its builtins by itself.
    /// </summary>
    public static string? PreloadedNvrtcBuiltins
    {
        get { lock (Gate) return _nvrtcBuiltins; }
    }

    /// <summary>Before NVRTC is loaded from a directory, loads the builtins library found beside it.</summary>
    private static void PreloadBuiltinsBeside(string nvrtcCandidate)
    {
        if (!File.Exists(nvrtcCandidate) || NvrtcBuiltins.Beside(nvrtcCandidate) is not { } builtins) return;
        if (NativeLibrary.TryLoad(builtins, out _)) _nvrtcBuiltins = builtins;
    }

    /// <summary>
    /// Loads the first candidate that loads; otherwise a reason naming every candidate tried.
    /// <paramref name="beforeEach"/> runs before each attempt (NVRTC: preload its builtins).
    /// </summary>
    internal static bool TryLoadFirst(IReadOnlyList<string> candidates, out nint handle, out string file, out string reason,
        Action<string>? beforeEach = null)
    {
        foreach (string candidate in candidates)
        {
            beforeEach?.Invoke(candidate);
            if (NativeLibrary.TryLoad(candidate, out handle))
            {
                file = candidate;
                reason = "";
                return true;
            }
        }
        handle = 0;
        file = "";
        reason = $"none of {string.Join(", ", candidates)} could be loaded " +
                 "(help: install the CUDA toolkit or driver, or add its lib directory to LD_LIBRARY_PATH)";
        return false;
    }

    /// <summary>Installs the resolver for this assembly's interop stubs; idempotent.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(CudaLibraryResolver).Assembly, Resolve);
            _registered = true;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!Candidates.ContainsKey(name)) return 0;
        return Load(name);
    }
}
