import StrictJSON
import SafetensorsFormat

/// Serializes tensors into safetensors bytes the way the reference writer lays them out:
/// data in entry order, header keys sorted, header padded with spaces to a multiple of 8.
///
/// Used by tests, fuzz seeds and benchmark generators; the committed reference fixtures are
/// written by the Python `safetensors` package, so our reader is never only checked against
/// our own writer.
public struct SafetensorsWriter: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var dtype: DType
        public var shape: [UInt64]
        public var bytes: [UInt8]

        public init(name: String, dtype: DType, shape: [UInt64], bytes: [UInt8]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }
    }

    public var entries: [Entry]
    public var metadata: [String: String]?

    public init(entries: [Entry] = [], metadata: [String: String]? = nil) {
        self.entries = entries
        self.metadata = metadata
    }

    /// The header JSON text this writer produces (without padding).
    public func headerJSON() -> String {
        var offset: UInt64 = 0
        var parts: [(String, String)] = []
        for entry in entries {
            let end = offset + UInt64(entry.bytes.count)
            let shape = entry.shape.map(String.init).joined(separator: ",")
            parts.append((entry.name,
                          "{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"))
            offset = end
        }
        if let metadata {
            let body = metadata.sorted { $0.key < $1.key }
                .map { "\(Self.jsonString($0.key)):\(Self.jsonString($0.value))" }
                .joined(separator: ",")
            parts.append(("__metadata__", "{\(body)}"))
        }
        parts.sort { $0.0 < $1.0 }
        return "{" + parts.map { "\(Self.jsonString($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// The complete file.
    public func serialize() -> [UInt8] {
        Self.file(header: headerJSON(), data: entries.flatMap(\.bytes), padTo: 8)
    }

    /// Assembles a file from raw header text and data. `headerLength` overrides the length
    /// prefix so tests can write lying headers.
    public static func file(header: String, data: [UInt8], padTo alignment: Int = 1,
                            headerLength: UInt64? = nil) -> [UInt8] {
        var json = Array(header.utf8)
        while alignment > 1, json.count % alignment != 0 { json.append(0x20) }
        let n = headerLength ?? UInt64(json.count)
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + data.count)
        withUnsafeBytes(of: n.littleEndian) { out.append(contentsOf: $0) }
        out += json
        out += data
        return out
    }

    /// A JSON string literal for `text`.
    public static func jsonString(_ text: String) -> String { TextEscaping.jsonLiteral(text) }
}
