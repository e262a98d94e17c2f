#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounds on what opening a checkpoint source may cost, beyond the header limits.
public struct SourceLimits: Sendable, Equatable {
    /// Hard ceiling of the decompression cap: 64 GiB.
    public static let maxDecompressedCeiling: UInt64 = 64 << 30

    /// Most bytes a compressed checkpoint may expand to. A zstd frame's declared content size
    /// is untrusted (and may be absent), and the safetensors header cap does not bound the data
    /// section, so this is what stops a decompression bomb: decoding fails cleanly when the
    /// output would pass it. Default: the smaller of 64 GiB and the machine's physical memory
    /// (the decompressed checkpoint is analysed from memory, so it has to fit), or the value of
    /// the environment variable `TENSORAUDIT_MAX_DECOMPRESSED_BYTES` when set.
    public var maxDecompressedBytes: UInt64

    /// Largest `*.index.json` read (same cap as a safetensors header).
    public var maxIndexBytes: UInt64 = 100_000_000

    public init(maxDecompressedBytes: UInt64) {
        self.maxDecompressedBytes = maxDecompressedBytes
    }

    /// The defaults described on each field, with the environment override applied.
    public static var `default`: SourceLimits {
        if let text = getenv("TENSORAUDIT_MAX_DECOMPRESSED_BYTES").map({ String(cString: $0) }),
           let value = UInt64(text) {
            return SourceLimits(maxDecompressedBytes: value)
        }
        let memory = MappedFile.physicalMemory ?? maxDecompressedCeiling
        return SourceLimits(maxDecompressedBytes: min(maxDecompressedCeiling, memory))
    }
}
