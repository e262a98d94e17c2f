import StrictJSON

/// The key-value section: typed scalars, strings, and arrays nested to a bounded depth.
extension GGUFHeaderReader {
    mutating func readMetadata(count: Int) throws(GGUFError) -> GGUFMetadata {
        var metadata = GGUFMetadata()
        for _ in 0 ..< count {
            let start = cursor.offset
            let key = try readName("metadata key")
            let value = try readValue(key: key, type: try readValueType(key: key))
            guard metadata.insert(key, value) else { throw .duplicateKey(key: key, offset: start) }
        }
        return metadata
    }

    mutating func readValueType(key: String) throws(GGUFError) -> GGUFValueType {
        let offset = cursor.offset
        let raw = try cursor.read(UInt32.self, "value type of '\(key)'")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw .unknownValueType(key: key, offset: offset, type: raw)
        }
        return type
    }

    mutating func readValue(key: String, type: GGUFValueType) throws(GGUFError) -> GGUFValue {
        let what = "value of '\(key)'"
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, what))
        case .int8: return .int8(try cursor.read(Int8.self, what))
        case .uint16: return .uint16(try cursor.read(UInt16.self, what))
        case .int16: return .int16(try cursor.read(Int16.self, what))
        case .uint32: return .uint32(try cursor.read(UInt32.self, what))
        case .int32: return .int32(try cursor.read(Int32.self, what))
        case .float32: return .float32(try cursor.readFloat32(what))
        case .uint64: return .uint64(try cursor.read(UInt64.self, what))
        case .int64: return .int64(try cursor.read(Int64.self, what))
        case .float64: return .float64(try cursor.readFloat64(what))
        case .bool: return .bool(try readBool(key: key))
        case .string: return .string(try readString(key: key))
        case .array: return .array(try readArray(key: key, depth: 1))
        }
    }

    mutating func readBool(key: String) throws(GGUFError) -> Bool {
        let offset = cursor.offset
        let byte = try cursor.read(UInt8.self, "value of '\(key)'")
        if byte > 1 { noteNonCanonicalBool(key: key, offset: offset, byte: byte) }
        return byte != 0
    }

    /// One problem per key: a key's first such byte is listed, its others counted there.
    mutating func noteNonCanonicalBool(key: String, offset: Int, byte: UInt8) {
        if let (current, index) = boolProblem, ExactText.same(current, key),
           case let .nonCanonicalBool(_, first, firstByte, count) = problems[index] {
            problems[index] = .nonCanonicalBool(key: key, offset: first, byte: firstByte, count: count + 1)
        } else {
            boolProblem = (key, problems.count)
            problems.append(.nonCanonicalBool(key: key, offset: offset, byte: byte))
        }
    }

    /// One problem per key, as `noteNonCanonicalBool`.
    mutating func noteInvalidUTF8(key: String, offset: Int) {
        if let (current, index) = utf8Problem, ExactText.same(current, key),
           case let .invalidUTF8Value(_, first, count) = problems[index] {
            problems[index] = .invalidUTF8Value(key: key, offset: first, count: count + 1)
        } else {
            utf8Problem = (key, problems.count)
            problems.append(.invalidUTF8Value(key: key, offset: offset))
        }
    }

    /// A value string: invalid UTF-8 is kept (with replacements) and reported, because a
    /// vocabulary with one broken token is still worth auditing.
    mutating func readString(key: String) throws(GGUFError) -> String {
        let offset = cursor.offset
        let raw = try cursor.readStringBytes("string in '\(key)'")
        try Self.checkStreamSafe(raw, offset: offset, field: "string in '\(key)'")
        if let text = String(validating: raw, as: UTF8.self) { return text }
        noteInvalidUTF8(key: key, offset: offset)
        return String(decoding: raw, as: UTF8.self)
    }

    /// An element of a string array, appended to `array` as bytes: valid UTF-8 as it is (no
    /// `String` made), invalid UTF-8 repaired and reported exactly as `readString` does.
    mutating func readString(key: String, into array: inout GGUFStringArray) throws(GGUFError) {
        let offset = cursor.offset
        let raw = try cursor.readStringBytes("string in '\(key)'")
        if UTF8Validation.isValid(raw) {
            array.append(utf8: raw)
        } else {
            noteInvalidUTF8(key: key, offset: offset)
            array.append(repaired: String(decoding: raw, as: UTF8.self).utf8)
        }
    }

    /// An array: element type u32, count u64, elements. The count is bounded by the bytes left
    /// (each element takes at least its minimum size) and by the metadata-wide element budget
    /// before any storage is reserved.
    mutating func readArray(key: String, depth: Int) throws(GGUFError) -> GGUFArray {
        let start = cursor.offset
        guard depth <= limits.maximumArrayDepth else { throw .arrayTooDeep(key: key, offset: start, depth: depth) }
        let elementType = try readValueType(key: key)
        let count64 = try cursor.read(UInt64.self, "array count of '\(key)'")
        guard count64 <= UInt64(cursor.remaining / elementType.minimumEncodedSize) else {
            throw .arrayPastEnd(key: key, offset: start, count: count64, available: cursor.remaining)
        }
        let count = Int(count64)
        guard count <= limits.maximumArrayElements - arrayElements else {
            throw .tooManyArrayElements(key: key, limit: limits.maximumArrayElements)
        }
        arrayElements += count
        switch elementType {
        case .uint8: return .uint8(try scalars(count, key))
        case .int8: return .int8(try scalars(count, key))
        case .uint16: return .uint16(try scalars(count, key))
        case .int16: return .int16(try scalars(count, key))
        case .uint32: return .uint32(try scalars(count, key))
        case .int32: return .int32(try scalars(count, key))
        case .uint64: return .uint64(try scalars(count, key))
        case .int64: return .int64(try scalars(count, key))
        case .float32: return .float32(try scalars(count, key).map { (bits: UInt32) in Float(bitPattern: bits) })
        case .float64: return .float64(try scalars(count, key).map { (bits: UInt64) in Double(bitPattern: bits) })
        case .bool:
            var out: [Bool] = []
            out.reserveCapacity(count)
            for _ in 0 ..< count { out.append(try readBool(key: key)) }
            return .bool(out)
        case .string:
            var out = GGUFStringArray()
            out.reserveCapacity(count)
            for _ in 0 ..< count { try readString(key: key, into: &out) }
            return .string(out)
        case .array:
            var out: [GGUFArray] = []
            out.reserveCapacity(count)
            for _ in 0 ..< count { out.append(try readArray(key: key, depth: depth + 1)) }
            return .array(out)
        }
    }

    /// `count` little-endian integers in one bounds check (the count was bounded above).
    mutating func scalars<T: FixedWidthInteger>(_ count: Int, _ key: String) throws(GGUFError) -> [T] {
        let size = MemoryLayout<T>.size
        try cursor.require(count * size, for: "array of '\(key)'")
        let base = cursor.offset
        let bytes = cursor.bytes
        let out = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0 ..< count {
                buffer[i] = T(littleEndian: bytes.loadUnaligned(fromByteOffset: base + i * size, as: T.self))
            }
            initialized = count
        }
        try cursor.skip(count * size, "array of '\(key)'")
        return out
    }
}
