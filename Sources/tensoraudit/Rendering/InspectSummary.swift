import SafetensorsFormat
import StrictJSON
import CheckpointIO
import TensorScan

/// The facts `inspect` reports, gathered once and rendered as text or JSON.
struct InspectSummary {
    struct DTypeTotal {
        var tensors = 0
        var parameters: UInt64 = 0
        var bytes: UInt64 = 0
    }

    let checkpoint: Checkpoint
    let totals: [ElementType: DTypeTotal]

    init(_ checkpoint: Checkpoint) {
        self.checkpoint = checkpoint
        var totals: [ElementType: DTypeTotal] = [:]
        for tensor in checkpoint.tensors {
            totals[tensor.elementType, default: DTypeTotal()].tensors += 1
            totals[tensor.elementType, default: DTypeTotal()].parameters += tensor.info.elementCount
            totals[tensor.elementType, default: DTypeTotal()].bytes += tensor.info.byteCount
        }
        self.totals = totals
    }

    var parameterCount: UInt64 { totals.values.reduce(0) { $0 + $1.parameters } }
    var byteCount: UInt64 { totals.values.reduce(0) { $0 + $1.bytes } }

    /// One file's entry. Not optimized: with the checkpoint file's format switches inlined into
    /// it, the Swift 6.3.1 release optimizer crashed ("Found ownership error" in CopyPropagation).
    @_optimize(none)
    static func json(of file: CheckpointFile) -> JSONValue {
        var object: [ExactText: JSONValue] = [
            "path": .string(file.path),
            "format": .string(file.formatName),
            "file_size": .uint(file.fileSize),
            "header_length": file.headerLength.map(JSONValue.uint) ?? .null,
            "data_start": file.dataStart.map(JSONValue.uint) ?? .null,
            "data_alignment": .uint(file.dataAlignment),
            "tensor_count": .int(Int64(file.tensors.count)),
        ]
        // A GGUF file's metadata with its types (added within schema version 2).
        if case .gguf(let parsed) = file.format {
            object["gguf_metadata"] = GGUFMetadataJSON.json(parsed.metadata)
            // The alignment the file declares (general.alignment, or GGUF's default 32), beside
            // `data_alignment`, which is what the offsets show (added within schema version 2).
            object["gguf_alignment"] = .int(Int64(parsed.alignment))
        }
        // A torch file's named values that are not tensors (added within schema version 2).
        if case .pytorch(let facts) = file.format { object["torch_values"] = TorchValuesRendering.json(facts) }
        return .object(object)
    }

    /// The `metadata` object: every key, by code points (`café` precomposed and decomposed are
    /// two keys of the file, as safetensors' `metadata()` and gguf-py read them).
    static func metadataJSON(_ metadata: [ExactText: String]) -> [ExactText: JSONValue] {
        metadata.mapValues(JSONValue.string)
    }

    /// The report; without `includingTensors`, the `tensors` member is left out (`jsonText`
    /// streams it).
    func json(includingTensors: Bool = true) -> JSONValue {
        let files: [JSONValue] = checkpoint.files.map(Self.json(of:))
        let tensors: [JSONValue] = !includingTensors ? [] : checkpoint.tensors.map { tensor in
            .object([
                "name": .string(tensor.name),
                "dtype": .string(tensor.elementType.rawValue),
                "shape": .uints(tensor.shape),
                "data_offsets": .uints(Self.dataOffsets(tensor)),
                "nbytes": .uint(tensor.info.byteCount),
                "parameters": .uint(tensor.info.elementCount),
                "file": .string(tensor.path),
            ].merging(tensor.info.gathered.map { ["stride": .uints($0.stride)] } ?? [:]) { a, _ in a })
        }
        var byDType: [ExactText: JSONValue] = [:]
        for (dtype, total) in totals {
            byDType[ExactText(dtype.rawValue)] = .object([
                "tensors": .int(Int64(total.tensors)),
                "parameters": .uint(total.parameters),
                "nbytes": .uint(total.bytes),
            ])
        }
        return .object([
            // 2: `source_issues[].level` became `severity`, the word findings use everywhere.
            "schema_version": .int(2),
            "files": .array(files),
            "metadata": .object(Self.metadataJSON(checkpoint.metadata)),
            "source": SourceRendering.json(checkpoint.source),
            "source_issues": .array(checkpoint.sourceIssues.map(SourceRendering.json)),
            "tensors": .array(tensors),
            "totals": .object([
                "tensors": .int(Int64(checkpoint.tensors.count)),
                "parameters": .uint(parameterCount),
                "nbytes": .uint(byteCount),
                "by_dtype": .object(byDType),
            ]),
        ])
    }

    /// `json().rendered()`, written straight into bytes: the tensor list (most of the output)
    /// is streamed without building a tree of its values.
    func jsonText() -> String {
        let tensors = checkpoint.tensors
        var out = JSONWriter(reservingCapacity: 256 * tensors.count + 4096)
        guard case .object(var members) = json(includingTensors: false) else { return json().rendered() }
        members["tensors"] = nil
        out.raw("{")
        for (i, name) in (Array(members.keys) + ["tensors"]).sorted().enumerated() {
            if i > 0 { out.raw(",") }
            out.key(name.text, indent: 1)
            guard name == "tensors" else {
                if let member = members[name] { out.value(member, indent: 1) }
                continue
            }
            if tensors.isEmpty {
                out.raw("[]")
                continue
            }
            out.raw("[")
            // Tensors of one file share its path: escaped once. Compared by code points: shard
            // files named `café` precomposed and decomposed are two files.
            var lastPath: (String, [UInt8])?
            for (k, tensor) in tensors.enumerated() {
                if k > 0 { out.raw(",") }
                out.newline(2)
                // Keys in sorted order, as `json()` renders them.
                out.raw("{")
                out.key("data_offsets", indent: 3)
                out.uints(Self.dataOffsets(tensor), pretty: true)
                out.raw(",")
                out.key("dtype", indent: 3)
                out.string(tensor.elementType.rawValue)
                out.raw(",")
                out.key("file", indent: 3)
                let path = tensor.path
                if !(lastPath.map { ExactText.same($0.0, path) } ?? false) {
                    var quoted = JSONWriter()
                    quoted.string(path)
                    lastPath = (path, quoted.bytes)
                }
                out.append(lastPath?.1 ?? [])
                out.raw(",")
                out.key("name", indent: 3)
                out.string(tensor.name)
                out.raw(",")
                out.key("nbytes", indent: 3)
                out.uint(tensor.info.byteCount)
                out.raw(",")
                out.key("parameters", indent: 3)
                out.uint(tensor.info.elementCount)
                out.raw(",")
                out.key("shape", indent: 3)
                if tensor.shape.isEmpty { out.raw("[]") } else { out.uints(tensor.shape, pretty: true) }
                if let gathered = tensor.info.gathered {
                    out.raw(",")
                    out.key("stride", indent: 3)
                    out.uints(gathered.stride, pretty: true)
                }
                out.newline(2)
                out.raw("}")
            }
            out.newline(1)
            out.raw("]")
        }
        out.newline(0)
        out.raw("}")
        return out.text
    }

    /// Where a tensor's bytes are in its file: a gathered torch view's span of its storage (its
    /// elements were copied elsewhere to be read), every other tensor's own range.
    static func dataOffsets(_ tensor: TensorView) -> [UInt64] {
        guard let gathered = tensor.info.gathered else { return [tensor.info.begin, tensor.info.end] }
        return [gathered.storedBytes.lowerBound, gathered.storedBytes.upperBound]
    }

    func text() -> String {
        var lines: [String] = SourceRendering.text(checkpoint)
        for file in checkpoint.files {
            lines.append("\(TextFormatting.safeName(file.path)): \(TextFormatting.bytes(file.fileSize)), "
                + "\(file.tensors.count) tensor\(file.tensors.count == 1 ? "" : "s")")
            if let headerLength = file.headerLength, let dataStart = file.dataStart {
                // A GGUF file declares its alignment; the offsets may happen to share a larger one
                // (a reader took "aligned to 64 bytes" for the declared value; review, 2026-12-05).
                // Still read as a contradiction ("aligned to 64 bytes (the file's alignment: 32 …)"),
                // so the offsets' alignment and the declared one are two clauses (reader's review).
                let plural = file.dataAlignment == 1 ? "" : "s"
                var alignment = "tensors aligned to \(file.dataAlignment) byte\(plural)"
                if case .gguf(let parsed) = file.format {
                    let stated = parsed.metadata["general.alignment"] != nil
                    let offsets = file.tensors.isEmpty ? "no tensors" : "tensor offsets are multiples of \(file.dataAlignment) byte\(plural)"
                    alignment = "\(offsets); the file declares alignment \(parsed.alignment) "
                        + (stated ? "(general.alignment)" : "(GGUF's default; no general.alignment)")
                }
                lines.append("  header: \(TextFormatting.grouped(headerLength)) bytes; data starts at byte "
                    + "\(TextFormatting.grouped(dataStart)), \(alignment)")
            } else {
                let legacy = if case .pytorch(let facts) = file.format, facts.isLegacy { " (legacy pre-1.6 stream)" } else { "" }
                lines.append("  \(file.formatName)\(legacy); tensors aligned to \(file.dataAlignment) byte\(file.dataAlignment == 1 ? "" : "s")")
            }
        }
        let metadata = checkpoint.metadata
        if !metadata.isEmpty {
            lines.append("metadata:")
            for key in metadata.keys.sorted() {
                lines.append("  \(TextFormatting.safeName(key.text)) = \(TextFormatting.safeName(metadata[key] ?? ""))")
            }
        }
        for file in checkpoint.files {
            guard case .pytorch(let facts) = file.format, facts.valueCount > 0 else { continue }
            if checkpoint.files.count > 1 { lines.append("\(TextFormatting.safeName(file.path)):") }
            lines += TorchValuesRendering.text(facts)
        }
        lines.append("")
        let rows = checkpoint.tensors.map { t -> [String] in
            [TextFormatting.safeName(t.name), t.elementType.rawValue,
             "[" + t.shape.map(String.init).joined(separator: ", ") + "]",
             Self.dataOffsets(t).map(String.init).joined(separator: "..<") + (t.isGathered ? " strided" : ""),
             TextFormatting.bytes(t.info.byteCount),
             TextFormatting.grouped(t.info.elementCount)]
        }
        lines.append(TextFormatting.table(header: ["TENSOR", "DTYPE", "SHAPE", "BYTES", "SIZE", "PARAMETERS"],
                                          rows: rows, rightAligned: [4, 5]))
        let strided = checkpoint.tensors.filter(\.isGathered)
        if !strided.isEmpty {
            let one = strided.count == 1
            lines.append("\(strided.count) strided view\(one ? "" : "s"), read through \(one ? "a row-major copy of its" : "row-major copies of their") "
                + "elements (what torch.load(...).contiguous() holds; BYTES: the storage bytes \(one ? "it spans" : "each spans")): "
                + strided.prefix(5).map { "\(TextFormatting.safeName($0.name)) stride [\(($0.info.gathered?.stride ?? []).map(String.init).joined(separator: ", "))]" }
                    .joined(separator: ", ") + (strided.count > 5 ? ", …" : ""))
        }
        lines.append("")
        lines.append("totals by dtype:")
        let totalRows = totals.keys.sorted().map { dtype -> [String] in
            let t = totals[dtype] ?? DTypeTotal()
            return [dtype.rawValue, "\(t.tensors) tensor\(t.tensors == 1 ? "" : "s")", TextFormatting.grouped(t.parameters) + " parameters",
                    TextFormatting.bytes(t.bytes)]
        }
        lines.append(TextFormatting.table(header: ["DTYPE", "TENSORS", "PARAMETERS", "SIZE"], rows: totalRows,
                                          rightAligned: [1, 2, 3]).split(separator: "\n").map { "  " + $0 }
            .joined(separator: "\n"))
        lines.append("total: \(checkpoint.tensors.count) tensors, \(TextFormatting.grouped(parameterCount)) parameters, "
            + TextFormatting.bytes(byteCount))
        return lines.joined(separator: "\n")
    }
}
