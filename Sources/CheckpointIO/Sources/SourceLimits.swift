import StrictJSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounds on what opening a checkpoint source may cost, beyond the header limits.
public struct SourceLimits: Sendable, Equatable {
    /// Hard ceiling of the decompression cap: 64 GiB.
    public static let maxDecompressedCeiling: UInt64 = 64 << 30
    /// Default decompression cap when the environment does not set one: 8 GiB, or half the
    /// machine's memory when that is less. Why not all of it: a hosted CI runner (2 cores,
    /// 7-24 GiB) must survive a decompression bomb with room to spare for the analysis and
    /// the rest of the job; a larger checkpoint is one `TENSORAUDIT_MAX_DECOMPRESSED_BYTES`
    /// away.
    public static let defaultDecompressedCap: UInt64 = 8 << 30
    /// The environment variable that overrides `maxDecompressedBytes`.
    public static let environmentVariable = "TENSORAUDIT_MAX_DECOMPRESSED_BYTES"

    /// Most bytes a compressed checkpoint may expand to (and a torch file's strided views'
    /// row-major copies may take: both are held in memory). A zstd frame's declared content size
    /// is untrusted (and may be absent), and the safetensors header cap does not bound the data
    /// section, so this is what stops a decompression bomb: decoding fails cleanly when the
    /// output would pass it (and sooner, when the decoded header shows an impossible file).
    public var maxDecompressedBytes: UInt64

    /// Largest `*.index.json` read: 64 MiB. The largest published indexes are under 10 MB
    /// (≈90,000 entries); a 94 MB index of 2.4 million entries took 15 s to check.
    public var maxIndexBytes: UInt64 = 64 << 20

    /// Most `weight_map` entries in an index: 1,000,000 (ten times the largest published).
    public var maxIndexEntries: Int = 1_000_000

    /// Most distinct shard names an index holds: 20,000 (published checkpoints have at most a
    /// few hundred shards). Why apart from the entry limit: every shard is a file to look up
    /// and map, or, missing, an issue of its own; 990,000 distinct missing shards (within the
    /// entry limit) took 11 s to `inspect` and 26 s and 2.6 GB to `audit --json`. And below
    /// Linux's default of 65,530 mappings per process: 100,000 real shards failed at ~65,500
    /// with "cannot mmap" instead of this message (adversarial sweeps, 2026-12-04).
    public var maxIndexShards: Int = 20_000

    /// Largest config.json or policy file read: 16 MiB (real ones are a few KiB).
    public var maxConfigBytes: UInt64 = 16 << 20

    public init(maxDecompressedBytes: UInt64) {
        self.maxDecompressedBytes = maxDecompressedBytes
    }

    /// The documented defaults, ignoring the environment.
    public static var builtIn: SourceLimits {
        let memory = MappedFile.physicalMemory.map { $0 / 2 } ?? defaultDecompressedCap
        return SourceLimits(maxDecompressedBytes: min(defaultDecompressedCap, memory))
    }

    /// The defaults with a valid environment override applied (an invalid one is ignored
    /// here; `fromEnvironment()` reports it).
    public static var `default`: SourceLimits {
        (try? fromEnvironment()) ?? builtIn
    }

    /// The defaults with `TENSORAUDIT_MAX_DECOMPRESSED_BYTES` applied: a decimal byte count
    /// from 1 to 64 GiB. Anything else (`abc`, `-1`, empty, `0`, over the ceiling) is an
    /// error rather than a silent fall back to the default, so a typo cannot change the cap.
    public static func fromEnvironment() throws(CheckpointError) -> SourceLimits {
        guard let raw = getenv(environmentVariable) else { return builtIn }
        let text = String(cString: raw)
        // Digits only: `UInt64("+5")` is 5, and a leading `+` passed as a byte count though the
        // README says decimal digits (hunt-53a D7).
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = UInt64(text), value > 0,
              value <= maxDecompressedCeiling else {
            throw .source(path: environmentVariable, kind: "invalid-setting",
                          message: "\(quoted(text)) is not a byte count from 1 to \(maxDecompressedCeiling)")
        }
        return SourceLimits(maxDecompressedBytes: value)
    }
}
