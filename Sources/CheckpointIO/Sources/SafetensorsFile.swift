import SafetensorsFormat

/// One safetensors file: its mapping and its validated header. A checkpoint holds it as a
/// format-neutral `CheckpointFile`.
///
/// Opening touches only the header pages; tensor bytes are read when a view is used.
public struct SafetensorsFile: Sendable {
    public let path: String
    public let header: SafetensorsHeader
    let mapping: MappedFile

    /// Maps and validates the file at `path`.
    public init(path: String, limits: HeaderLimits = .default) throws(CheckpointError) {
        try self.init(mapping: MappedFile(path: path), limits: limits)
    }

    /// Validates an existing mapping (a file, or decompressed bytes in anonymous memory).
    public init(mapping: MappedFile, limits: HeaderLimits = .default) throws(CheckpointError) {
        self.path = mapping.path
        self.mapping = mapping
        do {
            header = try mapping.withBytes { (bytes) throws(FormatError) in
                try SafetensorsHeader.parse(prefix: bytes, fileSize: mapping.size, limits: limits)
            }
        } catch {
            // A length that cannot be a header: say what the file looks like instead of
            // quoting its first 8 bytes as a number (zip, GGUF, pickle, text, empty, ...).
            switch error {
            case .headerTooSmall, .headerTooLarge, .invalidHeaderLength:
                if let what = mapping.withBytes({ FileSignature.describe($0, fileSize: mapping.size) }) {
                    throw .source(path: mapping.path, kind: "not-safetensors",
                                  message: "not a safetensors file: it looks like \(what)")
                }
            default: break
            }
            throw .format(path: mapping.path, error)
        }
        // Nothing reads the JSON again once `header` holds it: its pages leave the process
        // (the page cache keeps them), so a 5 MB header of 50,000 tensors is not resident
        // through the scan that follows.
        mapping.discard(offset: 0, length: header.dataStart)
    }

    /// Size of the file in bytes.
    public var fileSize: UInt64 { mapping.size }

    /// Views of every tensor, in file order.
    public var tensors: [TensorView] {
        header.tensors.map { TensorView(info: $0, mapping: mapping, dataStart: header.dataStart) }
    }

    /// The view of the tensor called `name`.
    public func tensor(named name: String) throws(CheckpointError) -> TensorView {
        guard let info = header.tensor(named: name) else { throw .tensorNotFound(path: path, name: name) }
        return TensorView(info: info, mapping: mapping, dataStart: header.dataStart)
    }

    /// Fails when the file on disk no longer has the size it had when mapped
    /// (`CheckpointFile.checkUnchanged`).
    public func checkUnchanged() throws(CheckpointError) {
        try CheckpointFile(self).checkUnchanged()
    }
}
