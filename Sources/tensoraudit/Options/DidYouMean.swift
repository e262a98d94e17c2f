import StrictJSON

/// "Did you mean …?" for a misspelt command or tensor name: the candidates within a small
/// edit distance, closest first.
///
/// Why edit distance and not a prefix match: the typos people make (`inspct`, `layer.0.wieght`,
/// `embed_token.weight`) drop, swap or add a letter anywhere. The distance is Damerau's
/// (insertions, deletions, substitutions and swaps of neighbours each cost 1), computed only for
/// candidates whose length is within the bound, so a 50,000-name checkpoint costs a few ms.
enum DidYouMean {
    /// At most `limit` candidates at the smallest distance found, if it is at most 2 (3 for
    /// words of 12 or more characters), in candidate order. A candidate equal but for case
    /// counts as closest.
    static func suggestions(for word: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let target = Array(word.unicodeScalars)
        let bound = target.count >= 12 ? 3 : 2
        var scored: [(distance: Int, order: Int, name: String)] = []
        for (order, candidate) in candidates.enumerated() {
            let scalars = Array(candidate.unicodeScalars)
            guard abs(scalars.count - target.count) <= bound, candidate != word else { continue }
            var distance = editDistance(target, scalars, bound: bound)
            guard distance <= bound else { continue }
            if candidate.lowercased() == word.lowercased() { distance = 0 }
            scored.append((distance, order, candidate))
        }
        guard let best = scored.map(\.distance).min() else {
            // More matches than can be shown (`mlp.weight` in every layer) point at none.
            let matches = sameNameOtherPrefix(word, among: candidates)
            return matches.count <= limit ? matches : []
        }
        return scored.filter { $0.distance == best }.sorted { $0.order < $1.order }.prefix(limit).map(\.name)
    }

    /// Candidates that are `word` with a leading dotted prefix added or removed
    /// (`transformer.wte.weight` for `wte.weight`, or the other way round), in candidate order.
    ///
    /// Why: the same weights are saved with and without the model's prefix (`model.` in a
    /// `…ForCausalLM` checkpoint, none in the base model), a difference of 6 to 12 characters
    /// that no edit-distance bound would allow without suggesting noise.
    static func sameNameOtherPrefix(_ word: String, among candidates: some Sequence<String>) -> [String] {
        guard word.contains("."), !word.hasPrefix("."), !word.hasSuffix(".") else { return [] }
        return candidates.filter { candidate in
            candidate != word && (candidate.hasSuffix("." + word) || word.hasSuffix("." + candidate)) && candidate.contains(".")
        }
    }

    /// `" (did you mean "a" or "b"?)"`-style text, empty when there is no suggestion.
    static func phrase(for word: String, among candidates: some Sequence<String>) -> String {
        let found = suggestions(for: word, among: candidates)
        guard !found.isEmpty else { return "" }
        let quotedNames = found.map(quoted)
        let list = quotedNames.count == 1 ? quotedNames[0]
            : quotedNames.dropLast().joined(separator: ", ") + " or " + (quotedNames.last ?? "")
        return "; did you mean \(list)?"
    }

    /// Optimal-string-alignment distance; returns `bound + 1` as soon as every entry of a row
    /// exceeds `bound` (nothing closer can follow).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], bound: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > bound { return bound + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
