import CheckpointIO

/// How B's rows (or, for a vector, B's elements) line up with A's when a converter reordered
/// them by head: llama.cpp's converter (`LlamaModel.permute` in `convert_hf_to_gguf.py`)
/// stores each attention head of `q_proj`/`k_proj` with its two rotary halves interleaved.
///
/// The fact, checked against that function (reshape to `[groups, 2, d/2, …]`, swap axes 1 and
/// 2, reshape back): with `d` = count / `groups` rows per group, row `s·d/2 + k` of group `h`
/// in the Hugging Face layout (halves) is row `2k + s` of group `h` in the GGUF layout
/// (interleaved), for `s` ∈ {0, 1} and `k` < d/2. Rows move whole, so a quantized row still
/// decodes as a row, and every group maps onto itself.
///
/// With `queriesPerGroup` set, it is instead the regrouping of a fused query-key-value matrix
/// (GPT-NeoX, BLOOM and Falcon's converters, `LlamaCppQKVOrder`): the Hub stores `groups` key-value
/// groups one after another, each `r` query heads then one key head then one value head of `hd`
/// rows; the GGUF file stores every query head, then every key head, then every value head. Row
/// `k` of part `c` (`c < r` a query head, `r` the key, `r + 1` the value) of group `g` in the Hub
/// layout is row `(g·r + c)·hd + k`, `G·r·hd + g·hd + k` or `G·(r+1)·hd + g·hd + k` in the GGUF
/// layout (`G` groups). `.halvesToInterleaved` then means A holds the Hub layout.
public struct RowInterleave: Sendable, Equatable {
    /// Which side holds the interleaved (GGUF) layout.
    public enum Direction: Sendable, Equatable {
        /// A holds the halves (Hugging Face), B the interleaved rows (GGUF).
        case halvesToInterleaved
        /// A holds the interleaved rows (GGUF), B the halves.
        case interleavedToHalves
    }

    /// Heads: the number of equal groups of rows.
    public let groups: Int
    public let direction: Direction
    /// Query heads per key-value group of a fused QKV matrix; nil for the rotary interleave.
    public let queriesPerGroup: Int?

    public init(groups: Int, direction: Direction, queriesPerGroup: Int? = nil) {
        self.groups = groups
        self.direction = direction
        self.queriesPerGroup = queriesPerGroup
    }

    /// Whether `count` rows split into `groups` groups of an even number of rows (what the
    /// converter's reshape needs), or, for a fused QKV matrix, into `groups · (r + 2)` heads of
    /// equal rows; else the permutation is not defined for that tensor.
    public func applies(toCount count: Int) -> Bool {
        if let r = queriesPerGroup {
            let (parts, overflow) = groups.multipliedReportingOverflow(by: r &+ 2)
            return groups > 0 && r > 0 && r < Int.max - 2 && !overflow && count > 0 && count % parts == 0
        }
        return groups > 0 && count > 0 && count % groups == 0 && (count / groups) % 2 == 0
    }

    /// Rows per group (`d`).
    func groupSize(_ count: Int) -> Int { count / groups }

    /// B's index of A's index `i` among `count` (requires `applies(toCount: count)`).
    public func indexInB(_ i: Int, count: Int) -> Int {
        if let r = queriesPerGroup { return regroupedIndex(i, count: count, queriesPerGroup: r) }
        let d = groupSize(count), half = d / 2
        let h = i / d, j = i % d
        switch direction {
        case .halvesToInterleaved:
            return h * d + 2 * (j % half) + j / half
        case .interleavedToHalves:
            return h * d + (j % 2) * half + j / 2
        }
    }
}

extension RowInterleave {
    /// `indexInB` of a fused QKV matrix (see the type).
    func regroupedIndex(_ i: Int, count: Int, queriesPerGroup r: Int) -> Int {
        let parts = r + 2, hd = count / (groups * parts), k = i % hd
        switch direction {
        case .halvesToInterleaved:
            let g = i / (parts * hd), c = (i / hd) % parts
            // A query head keeps its place among the queries; the key (c = r) and value (c = r + 1)
            // heads follow all G·r queries, by group.
            return (c < r ? g * r + c : groups * c + g) * hd + k
        case .interleavedToHalves:
            let head = i / hd
            if head < groups * r { return ((head / r) * parts + head % r) * hd + k }
            let c = head < groups * (r + 1) ? r : r + 1
            let g = head - groups * c
            return (g * parts + c) * hd + k
        }
    }
}

extension TensorView {
    /// What a `RowInterleave` permutes in this tensor: its rows, or a vector's elements.
    public var permutedCount: Int { info.shape.count <= 1 ? elementCount : rowCount }
}
