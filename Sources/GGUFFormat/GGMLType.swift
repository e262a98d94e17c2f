/// A ggml tensor element type: its id in GGUF tensor infos, its name, and its block layout.
///
/// Quantized types store `blockSize` elements in `typeSize` bytes; a row (the innermost
/// dimension) must hold whole blocks. The table below was checked against gguf-py 0.19.0's
/// `GGML_QUANT_SIZES` (the test `GGMLTypeTableTests` compares every entry with
/// `TestData/gguf/ggml-types.json`, written from that dictionary). Ids 4 and 5 (Q4_2, Q4_3)
/// and 31–33 (Q4_0_4_4 …) are retired and are unknown here, as in gguf-py.
public struct GGMLType: Sendable, Hashable, CustomStringConvertible {
    public let id: UInt32
    public let name: String
    /// Elements per block (1 for plain types).
    public let blockSize: Int
    /// Bytes per block.
    public let typeSize: Int

    public var description: String { name }

    /// Types are equal when their ids are: every value comes from the table below, one entry
    /// per id. Why not the synthesized `==`: it compared the names too, a string comparison on
    /// every `type == .q8_0` of the per-row decoding paths.
    public static func == (a: GGMLType, b: GGMLType) -> Bool { a.id == b.id }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Whether blocks carry a scale (anything other than a plain float or integer type).
    public var isQuantized: Bool { blockSize > 1 }

    /// The type with this id, or nil when the id is unknown.
    public init?(id: UInt32) {
        guard let type = Self.byID[id] else { return nil }
        self = type
    }

    /// The type with this name (as gguf-py spells it, e.g. `Q4_K`), or nil.
    public init?(name: String) {
        guard let type = Self.all.first(where: { $0.name == name }) else { return nil }
        self = type
    }

    private init(_ id: UInt32, _ name: String, _ blockSize: Int, _ typeSize: Int) {
        self.id = id
        self.name = name
        self.blockSize = blockSize
        self.typeSize = typeSize
    }

    /// Every known type in id order.
    public static let all: [GGMLType] = [
        GGMLType(0, "F32", 1, 4), GGMLType(1, "F16", 1, 2),
        GGMLType(2, "Q4_0", 32, 18), GGMLType(3, "Q4_1", 32, 20),
        GGMLType(6, "Q5_0", 32, 22), GGMLType(7, "Q5_1", 32, 24),
        GGMLType(8, "Q8_0", 32, 34), GGMLType(9, "Q8_1", 32, 40),
        GGMLType(10, "Q2_K", 256, 84), GGMLType(11, "Q3_K", 256, 110),
        GGMLType(12, "Q4_K", 256, 144), GGMLType(13, "Q5_K", 256, 176),
        GGMLType(14, "Q6_K", 256, 210), GGMLType(15, "Q8_K", 256, 292),
        GGMLType(16, "IQ2_XXS", 256, 66), GGMLType(17, "IQ2_XS", 256, 74),
        GGMLType(18, "IQ3_XXS", 256, 98), GGMLType(19, "IQ1_S", 256, 50),
        GGMLType(20, "IQ4_NL", 32, 18), GGMLType(21, "IQ3_S", 256, 110),
        GGMLType(22, "IQ2_S", 256, 82), GGMLType(23, "IQ4_XS", 256, 136),
        GGMLType(24, "I8", 1, 1), GGMLType(25, "I16", 1, 2),
        GGMLType(26, "I32", 1, 4), GGMLType(27, "I64", 1, 8),
        GGMLType(28, "F64", 1, 8), GGMLType(29, "IQ1_M", 256, 56),
        GGMLType(30, "BF16", 1, 2),
        GGMLType(34, "TQ1_0", 256, 54), GGMLType(35, "TQ2_0", 256, 66),
        GGMLType(39, "MXFP4", 32, 17), GGMLType(40, "NVFP4", 64, 36),
        GGMLType(41, "Q1_0", 128, 18),
    ]

    private static let byID: [UInt32: GGMLType] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static let f32 = GGMLType(0, "F32", 1, 4)
    public static let f16 = GGMLType(1, "F16", 1, 2)
    public static let q4_0 = GGMLType(2, "Q4_0", 32, 18)
    public static let q4_1 = GGMLType(3, "Q4_1", 32, 20)
    public static let q5_0 = GGMLType(6, "Q5_0", 32, 22)
    public static let q5_1 = GGMLType(7, "Q5_1", 32, 24)
    public static let q8_0 = GGMLType(8, "Q8_0", 32, 34)
    public static let q4_K = GGMLType(12, "Q4_K", 256, 144)
    public static let q5_K = GGMLType(13, "Q5_K", 256, 176)
    public static let q6_K = GGMLType(14, "Q6_K", 256, 210)
    public static let bf16 = GGMLType(30, "BF16", 1, 2)
}
