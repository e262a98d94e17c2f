import StrictJSON
import SafetensorsFormat

/// Why a checkpoint could not be opened or read; every case names the file.
///
/// The CLI prints `description` after `tensoraudit: error: ` and exits 2 for all of them.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed; `errno` is kept so tests can match it and messages can print it.
    case io(path: String, operation: String, errno: Int32)
    /// The path exists but is a directory or a special file.
    case notARegularFile(path: String, what: String)
    /// The bytes break the safetensors format.
    case format(path: String, FormatError)
    /// A tensor name asked for is not in the checkpoint.
    case tensorNotFound(path: String, name: String)
    /// The file changed size while it was mapped (reading it could fault).
    case fileChanged(path: String, mappedSize: UInt64, currentSize: UInt64)
    /// A checkpoint source problem (sharded index, decompression, directory layout, a format
    /// that is not read, a torch checkpoint that cannot be read as it is).
    case source(path: String, kind: String, message: String)
    /// A pickle that names globals outside what a torch state dict needs (`module.name`, in
    /// first-seen order): loading it with `torch.load(weights_only=False)` or `pickle` could run
    /// them. Nothing was executed; the file is not analysed further. `detail` is why the pickle
    /// could not be read, when it also could not.
    case unsafePickle(path: String, globals: [String], detail: String?)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .io(let path, _, _), .notARegularFile(let path, _), .format(let path, _),
             .tensorNotFound(let path, _), .fileChanged(let path, _, _), .source(let path, _, _),
             .unsafePickle(let path, _, _):
            path
        }
    }

    /// Stable identifier of the error class (format errors keep their own kinds).
    public var kind: String {
        switch self {
        case .io: "io"
        case .notARegularFile: "not-a-file"
        case .format(_, let error): error.kind
        case .tensorNotFound: "tensor-not-found"
        case .fileChanged: "file-changed"
        case .source(_, let kind, _): kind
        case .unsafePickle: "pickle-unsafe-global"
        }
    }

    public var description: String {
        switch self {
        case .io(let path, let operation, let code):
            "\(path): cannot \(operation): \(errnoDescription(code))"
        case .notARegularFile(let path, let what):
            "\(path): is \(what), not a regular file"
        case .format(let path, let error):
            "\(path): \(error)"
        case .tensorNotFound(let path, let name):
            "\(path): no tensor named \(quoted(name))"
        case .fileChanged(let path, let mapped, let current):
            "\(path): file changed while being read (was \(mapped) bytes, now \(current))"
        case .source(let path, _, let message):
            "\(path): \(message)"
        case .unsafePickle(let path, let globals, let detail):
            "\(path): the pickle names unsafe globals (\(globals.joined(separator: ", "))): loading it with torch.load(weights_only=False) "
                + "or pickle could run them; nothing was executed and the file is not analysed"
                + (detail.map { " (the pickle is also unreadable: \($0))" } ?? "")
        }
    }
}
