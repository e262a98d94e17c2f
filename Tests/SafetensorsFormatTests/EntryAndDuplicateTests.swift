import Testing
import SafetensorsFormat
import TestSupport

/// Tensor entries, metadata and duplicate keys (docs/FORMAT.md §4, §5, §7).
@Suite struct EntryAndDuplicateTests {
    static func parse(_ header: String, data: [UInt8] = []) throws(FormatError) -> SafetensorsHeader {
        try SafetensorsHeader.parse(SafetensorsWriter.file(header: header, data: data))
    }

    @Test("dimensions must be plain non-negative integers below 2^64",
          arguments: ["-1", "1.0", "1e0", "-0", "18446744073709551616", "\"2\"", "null"])
    func badDimension(dim: String) throws {
        do {
            let error = try #require(formatError { try Self.parse(#"{"w":{"dtype":"U8","shape":[\#(dim)],"data_offsets":[0,1]}}"#, data: [0]) })
                #expect(error.kind == "invalid-entry", "\(dim): \(error)")
        }
    }

    @Test("2^64-1 is a legal dimension of an empty tensor")
    func largestDimension() throws {
        let parsed = try Self.parse(#"{"w":{"dtype":"F32","shape":[0,18446744073709551615],"data_offsets":[0,0]}}"#)
        #expect(parsed.tensors.first?.shape == [0, UInt64.max])
        #expect(parsed.tensors.first?.elementCount == 0)
    }

    @Test("entry shapes that are not objects or lack a field", arguments: [
        (#"{"w":"F32"}"#, "entry must be an object"),
        (#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, "missing field `dtype`"),
        (#"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, "missing field `shape`"),
        (#"{"w":{"dtype":"F32","shape":[1]}}"#, "missing field `data_offsets`"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}"#, "exactly 2"),
        (#"{"w":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}"#, "dtype must be a string"),
    ])
    func malformedEntry(header: String, fragment: String) throws {
        do {
            let error = try #require(formatError { try Self.parse(header, data: [0, 0, 0, 0]) })
                #expect(error.kind == "invalid-entry")
                #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test("dtype strings are case-sensitive and closed", arguments: ["f32", "", "F128", "FP8"])
    func unknownDType(name: String) throws {
        #expect(throws: FormatError.unknownDType(tensor: "w", dtype: name)) {
            try Self.parse(#"{"w":{"dtype":"\#(name)","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
        }
    }

    @Test("duplicate keys are rejected with both byte offsets")
    func duplicateKeys() throws {
        // Offsets are file offsets: 8 (length prefix) + position in the JSON text.
        let entry = #"{"dtype":"U8","shape":[1],"data_offsets":[0,1]}"#
        let sameTwice = #"{"w":\#(entry),"w":\#(entry)}"#
        let second = 8 + #"{"w":"#.utf8.count + entry.utf8.count + 1  // after the first entry and its comma
        #expect(throws: FormatError.duplicateKey(key: "w", firstOffset: 9, secondOffset: second)) {
            try Self.parse(sameTwice, data: [0])
        }
        let metaTwice = #"{"__metadata__":{},"__metadata__":{}}"#
        #expect(throws: FormatError.duplicateKey(key: "__metadata__", firstOffset: 9, secondOffset: 27)) {
            try Self.parse(metaTwice)
        }
        let keyTwice = #"{"__metadata__":{"a":"1","a":"2"}}"#
        #expect(throws: FormatError.duplicateKey(key: "__metadata__.a", firstOffset: 25, secondOffset: 33)) {
            try Self.parse(keyTwice)
        }
        let fieldTwice = #"{"w":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        #expect(throws: FormatError.duplicateKey(key: "w.dtype", firstOffset: 14, secondOffset: 27)) {
            try Self.parse(fieldTwice, data: [0])
        }
    }

    @Test("metadata: strings, null or {} are valid; anything else is not")
    func metadata() throws {
        #expect(try Self.parse(#"{"__metadata__":{"format":"pt","k":"v"}}"#).metadata == ["format": "pt", "k": "v"])
        #expect(try Self.parse(#"{"__metadata__":null}"#).metadata == nil)
        #expect(try Self.parse(#"{"__metadata__":{}}"#).metadata == [:])
        for bad in [#"{"__metadata__":{"n":1}}"#, #"{"__metadata__":"pt"}"#, #"{"__metadata__":{"o":{}}}"#,
                    #"{"__metadata__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#] {
            do {
                let error = try #require(formatError { try Self.parse(bad) })
                    #expect(error.kind == "invalid-metadata", "\(bad): \(error)")
            }
        }
    }

    @Test("limits bound hostile headers")
    func limits() throws {
        var limits = HeaderLimits()
        limits.maxTensors = 2
        let three = #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"c":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}"#
        do {
            let error = try #require(formatError { try SafetensorsHeader.parse(SafetensorsWriter.file(header: three, data: []), limits: limits) })
                #expect(error.kind == "limit-exceeded")
                #expect(error.description.contains("tensor count"))
        }
        let rank65 = "[" + Array(repeating: "1", count: 65).joined(separator: ",") + "]"
        do {
            let error = try #require(formatError { try Self.parse(#"{"w":{"dtype":"U8","shape":\#(rank65),"data_offsets":[0,1]}}"#, data: [0]) })
                #expect(error.kind == "limit-exceeded")
        }
        limits = HeaderLimits()
        limits.maxStringBytes = 8
        do {
            let error = try #require(formatError { try SafetensorsHeader.parse(SafetensorsWriter.file(header: #"{"__metadata__":{"k":"0123456789"}}"#, data: []),
                                                limits: limits) })
                #expect(error.kind == "limit-exceeded")
        }
    }
}
