import Foundation
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
    /// `config.json` beside the checkpoint, when there is one.
    public let config: ModelConfig?
    private let indexByName: [String: Int]

    public init(path: String, files: [SafetensorsFile], config: ModelConfig? = nil) {
        self.path = path
        self.files = files
        self.config = config
        let views = files.flatMap(\.tensors)
        self.tensors = views
        var index: [String: Int] = [:]
        for (i, view) in views.enumerated() where index[view.name] == nil { index[view.name] = i }
        self.indexByName = index
    }

    /// Opens a single safetensors file, with the `config.json` of its folder when present.
    public static func open(path: String) throws(CheckpointError) -> Checkpoint {
        let file = try SafetensorsFile(path: path)
        let folder = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
        let configPath = folder + "/config.json"
        let config = FileManager.default.fileExists(atPath: configPath) ? try ModelConfig.load(path: configPath) : nil
        return Checkpoint(path: path, files: [file], config: config)
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
