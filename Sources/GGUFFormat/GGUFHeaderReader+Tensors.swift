import StrictJSON

/// A tensor info as read, before its bytes are placed in the file.
struct GGUFRawTensorInfo {
    let name: String
    let type: GGMLType
    /// As stored: innermost first.
    let dimensions: [UInt64]
    let relativeOffset: UInt64
    let byteCount: UInt64
}

/// The tensor-info section: name, n_dims, dims (innermost first), ggml type, offset.
extension GGUFHeaderReader {
    /// The longest tensor name the GGUF spec allows, in bytes. llama.cpp's loader refuses one
    /// byte less: names of `GGML_MAX_NAME` (64) bytes or more (`gguf.cpp`: `name.length() >=
    /// GGML_MAX_NAME`), so a name of exactly 64 bytes is a problem too (review, 2026-12-05).
    static let maximumNameBytes = 64
    static let maximumDimensions: UInt32 = 4

    mutating func readTensorInfos(count: Int) throws(GGUFError) -> [GGUFRawTensorInfo] {
        var infos: [GGUFRawTensorInfo] = []
        infos.reserveCapacity(count)
        // By code points (`ExactText`), as gguf-py compares names (not Swift's canonical equivalence).
        var names = Set<ExactText>()
        for _ in 0 ..< count {
            let info = try readTensorInfo()
            // gguf-py raises on a repeated name; so does this reader (a second tensor of the same
            // name would make every name-based lookup ambiguous).
            guard names.insert(ExactText(info.name)).inserted else { throw .duplicateTensorName(info.name) }
            infos.append(info)
        }
        return infos
    }

    mutating func readTensorInfo() throws(GGUFError) -> GGUFRawTensorInfo {
        let name = try readName("tensor name")
        if name.utf8.count >= Self.maximumNameBytes {
            problems.append(.tensorNameTooLong(name: name, byteCount: name.utf8.count))
        }
        let dimensionCount = try cursor.read(UInt32.self, "dimension count of '\(name)'")
        guard dimensionCount <= Self.maximumDimensions else {
            throw .tooManyDimensions(tensor: name, count: dimensionCount)
        }
        var dimensions: [UInt64] = []
        for _ in 0 ..< dimensionCount {
            dimensions.append(try cursor.read(UInt64.self, "dimensions of '\(name)'"))
        }
        let typeID = try cursor.read(UInt32.self, "type of '\(name)'")
        guard let type = GGMLType(id: typeID) else { throw .unknownTensorType(tensor: name, id: typeID) }
        let offset = try cursor.read(UInt64.self, "data offset of '\(name)'")
        let byteCount = try Self.byteCount(name: name, type: type, dimensions: dimensions)
        return GGUFRawTensorInfo(name: name, type: type, dimensions: dimensions, relativeOffset: offset,
                                 byteCount: byteCount)
    }

    /// Elements × type size / block size, every step overflow-checked, the row whole blocks.
    /// Sizes are kept below `Int.max` so shapes and ranges are plain `Int`s afterwards. The
    /// dimensions' product is also checked with zeros counted as ones: an empty tensor cannot
    /// carry dimensions whose row count (`[0, 2^40, 2^40]`) or row size overflows later.
    static func byteCount(name: String, type: GGMLType, dimensions: [UInt64]) throws(GGUFError) -> UInt64 {
        var elements: UInt64 = 1
        var nonZeroProduct: UInt64 = 1
        for dimension in dimensions {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            let (bound, boundOverflow) = nonZeroProduct.multipliedReportingOverflow(by: max(dimension, 1))
            guard !overflow, !boundOverflow, bound <= UInt64(Int.max) else {
                throw .sizeOverflow(tensor: name, dimensions: dimensions)
            }
            elements = product
            nonZeroProduct = bound
        }
        let rowLength = dimensions.first ?? 1
        guard rowLength % UInt64(type.blockSize) == 0 else {
            throw .rowNotWholeBlocks(tensor: name, rowLength: rowLength, type: type.name, blockSize: type.blockSize)
        }
        let (rowBytes, rowOverflow) = (rowLength / UInt64(type.blockSize)).multipliedReportingOverflow(by: UInt64(type.typeSize))
        let (bytes, overflow) = (elements / UInt64(type.blockSize)).multipliedReportingOverflow(by: UInt64(type.typeSize))
        guard !overflow, !rowOverflow, bytes <= UInt64(Int.max), rowBytes <= UInt64(Int.max) else {
            throw .sizeOverflow(tensor: name, dimensions: dimensions)
        }
        return bytes
    }
}
