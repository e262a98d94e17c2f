/// A value of a torch checkpoint's pickle that is not a tensor, at a named place: an epoch
/// count, a learning rate, a config string, a hash (`{'state_dict': …, 'epoch': 7}`). `inspect`
/// lists them, so a reader sees what else a `.pt` carries without a Python session: a reader's
/// review found a voice-activity `.pt` whose 16 values (thresholds, sample rate, sha256 strings)
/// no command showed.
///
/// Only numbers, booleans, None, text and bytes at a state-dict-like path (dict keys and list
/// indices joined with '.', as tensor names are); what sits inside a call's arguments or an
/// object's state has no such name and is not listed.
public struct TorchValue: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case none
        case bool(Bool)
        case int(Int64)
        /// An integer wider than 64 bits: only its byte count is kept.
        case bigInt(byteCount: Int)
        case float(Double)
        /// Text, cut at `TorchValue.maxTextCharacters` (`truncated`).
        case text(String, truncated: Bool)
        case bytes(count: Int)
    }

    /// The path, as tensor names are made.
    public let name: String
    public let value: Value

    /// The longest text kept whole, in code points (Python's `len`): a state dict's strings are
    /// names and hashes; a 1 MB string
    /// (a pickled vocabulary) would fill the report.
    public static let maxTextCharacters = 1_000
    /// The longest name kept whole, in UTF-8 bytes; a longer one is cut and ends in "…".
    public static let maxNameBytes = 1_024
    /// Values kept per file, in the order the walk meets them; `TorchCheckpoint.valueCount`
    /// counts them all. A list of 10^6 numbers in a checkpoint is one path each.
    public static let maxListed = 1_000

    /// Python's name for the value's type.
    public var typeName: String {
        switch value {
        case .none: "NoneType"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .text: "str"
        case .bytes: "bytes"
        }
    }
}
