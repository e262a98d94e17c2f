extension MappedFile {
    /// The bytes of a small file read whole (an index, config.json, a policy), refusing
    /// anything that is not a regular file before opening it (see `FileIdentity`), and files
    /// over `limit` bytes before mapping them.
    /// `boundary`: the folder the file was confined to, checked again on the opened file.
    public static func contents(of path: String, limit: UInt64, what: String,
                                confinedTo boundary: FolderBoundary? = nil) throws(CheckpointError) -> [UInt8] {
        let mapping = try MappedFile(path: path, refusingOver: (limit, { size in
            .source(path: path, kind: "limit-exceeded", message: "\(what) is \(size) bytes, over the limit of \(limit) bytes")
        }))
        if let boundary { try CheckpointLoader.confine(opened: mapping, to: boundary) }
        return mapping.withBytes { Array($0) }
    }
}
