import SafetensorsFormat

/// What the user pointed at, opened: one or more safetensors files forming one namespace of
/// tensors. Every command works on a `Checkpoint`, so single files, sharded directories and
/// compressed files behave the same downstream.
public struct Checkpoint: Sendable {
    /// The path as given on the command line.
    public let path: String
    /// The safetensors files, in the order they were opened (index order for shards).
    public let files: [SafetensorsFile]
    /// Every tensor in file order, shard after shard.
    public let tensors: [TensorView]
    private let indexByName: [String: Int]

    public init(path: String, files: [SafetensorsFile]) {
        self.path = path
        self.files = files
        let views = files.flatMap(\.tensors)
        self.tensors = views
        var index: [String: Int] = [:]
        for (i, view) in views.enumerated() where index[view.name] == nil { index[view.name] = i }
        self.indexByName = index
    }

    /// Opens a single safetensors file.
    public static func open(path: String) throws(CheckpointError) -> Checkpoint {
        Checkpoint(path: path, files: [try SafetensorsFile(path: path)])
    }

    /// The tensor called `name`, or `nil`.
    public func tensor(named name: String) -> TensorView? {
        indexByName[name].map { tensors[$0] }
    }

    /// Merged `__metadata__` of all files (first file wins on conflicting keys).
    public var metadata: [String: String] {
        var merged: [String: String] = [:]
        for file in files {
            for (key, value) in file.header.metadata ?? [:] where merged[key] == nil { merged[key] = value }
        }
        return merged
    }
}
