import StrictJSON

/// A parsed GGUF file: everything the header says, checked against the file's size.
///
/// `parse` reads only the bytes it is given (the whole mapped file) and never trusts a count,
/// length or offset before checking it against what remains; it returns values and does no I/O.
public struct GGUFFile: Sendable, Equatable {
    /// 2 or 3 (the layouts are identical; 3 allowed big-endian files, which are refused here).
    public let version: UInt32
    public let metadata: GGUFMetadata
    /// In file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, or 32 when absent.
    public let alignment: Int
    /// Where the tensor data section starts: the end of the tensor infos rounded up to the
    /// alignment.
    public let dataOffset: Int
    /// The file's size as given to `parse`.
    public let fileSize: Int
    /// Non-fatal problems, in file order.
    public let problems: [GGUFProblem]

    /// The default alignment of the data section and of every tensor's offset.
    public static let defaultAlignment = 32
    /// `GGUF` read as a little-endian u32.
    public static let magic: UInt32 = 0x4655_4747

    /// Whether these bytes start with the GGUF magic (for format detection).
    public static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)) == magic
    }

    /// The model a llama.cpp split describes, for what is asked of its names, types and
    /// metadata: this part's header (the first part's, which holds the model's metadata) with
    /// the tensors of `others` after its own. Their offsets are into their own files' data
    /// sections, and `problems`, `dataOffset` and `fileSize` stay this part's: read bytes through
    /// each part, never through this value.
    public func joiningTensors(of others: [GGUFFile]) -> GGUFFile {
        GGUFFile(version: version, metadata: metadata, tensors: tensors + others.flatMap(\.tensors), alignment: alignment,
                 dataOffset: dataOffset, fileSize: fileSize, problems: problems)
    }

    /// The tensor called `name` (the same code points, as gguf-py and llama.cpp compare names).
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensors.first { ExactText.same($0.name, name) }
    }

    /// Parses a whole GGUF file.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: GGUFLimits = .default) throws(GGUFError) -> GGUFFile {
        var reader = GGUFHeaderReader(bytes: bytes, limits: limits)
        return try reader.read()
    }

    /// Parses a whole GGUF file held in an array (tests and small inputs).
    public static func parse(_ bytes: [UInt8], limits: GGUFLimits = .default) throws(GGUFError) -> GGUFFile {
        let result: Result<GGUFFile, GGUFError> = bytes.withUnsafeBytes { raw in
            Result { () throws(GGUFError) -> GGUFFile in try parse(raw, limits: limits) }
        }
        return try result.get()
    }

    init(version: UInt32, metadata: GGUFMetadata, tensors: [GGUFTensorInfo], alignment: Int,
         dataOffset: Int, fileSize: Int, problems: [GGUFProblem]) {
        self.version = version
        self.metadata = metadata
        self.tensors = tensors
        self.alignment = alignment
        self.dataOffset = dataOffset
        self.fileSize = fileSize
        self.problems = problems
    }
}
