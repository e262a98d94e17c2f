import StrictJSON

/// "Did you mean …?" for a misspelt command or tensor name: the candidates within a small
/// edit distance, closest first.
///
/// Why edit distance and not a prefix match: the typos people make (`inspct`, `layer.0.wieght`,
/// `embed_token.weight`) drop, swap or add a letter anywhere. The distance is Damerau's
/// (insertions, deletions, substitutions and swaps of neighbours each cost 1), computed only for
/// candidates whose length is within the bound, and only near the diagonal (`BoundedDistance`).
package enum DidYouMean {
    /// At most `limit` candidates at the smallest distance found, if it is at most 2 (3 for
    /// words of 12 or more characters), in candidate order. A candidate equal but for case
    /// counts as closest.
    package static func suggestions(for word: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let target = Array(word.unicodeScalars)
        let bound = target.count >= 12 ? 3 : 2
        var scored: [(distance: Int, order: Int, name: String)] = []
        var measure = BoundedDistance(bound: bound)
        var scalars: [Unicode.Scalar] = []
        for (order, candidate) in candidates.enumerated() {
            scalars.removeAll(keepingCapacity: true)
            scalars.append(contentsOf: candidate.unicodeScalars)
            // The same code points are no suggestion; a spelling that reads alike (canonically
            // equivalent) is the closest one (`String` equality would have dropped it).
            guard !ExactText.same(candidate, word) else { continue }
            if ExactText.readAlike(candidate, word) {
                scored.append((-1, order, candidate))
                continue
            }
            guard abs(scalars.count - target.count) <= bound else { continue }
            var distance = measure.distance(target, scalars)
            guard distance <= bound else { continue }
            if candidate.lowercased() == word.lowercased() { distance = 0 }
            scored.append((distance, order, candidate))
        }
        guard let best = scored.map(\.distance).min() else {
            // More matches than can be shown (`mlp.weight` in every layer) point at none.
            let matches = sameNameOtherPrefix(word, among: candidates) + moduleParameters(word, among: candidates)
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

    /// Candidates that are `word` and one more dotted part (`token_embd.weight`, `token_embd.bias`
    /// for `token_embd`), in candidate order. Why: a module's name without its parameter's is the
    /// commonest near miss (reader's review, 2026-12-05), seven characters past any edit bound.
    static func moduleParameters(_ word: String, among candidates: some Sequence<String>) -> [String] {
        guard !word.isEmpty, !word.hasSuffix(".") else { return [] }
        let prefix = word + "."
        return candidates.filter { candidate in
            candidate.hasPrefix(prefix) && candidate.count > prefix.count && !candidate.dropFirst(prefix.count).contains(".")
        }
    }

    /// `" (did you mean "a" or "b"?)"`-style text, empty when there is no suggestion. A
    /// suggestion that reads like the word or like another suggestion (canonically equivalent
    /// spellings) also shows its code points: `"café.weight" (spelled cafe\u{301}.weight)`.
    package static func phrase(for word: String, among candidates: some Sequence<String>) -> String {
        let found = suggestions(for: word, among: candidates)
        guard !found.isEmpty else { return "" }
        let quotedNames = found.map { name in
            let alike = ExactText.readAlike(name, word) || found.contains { ExactText.readAlike(name, $0) }
            return alike ? "\(quoted(name)) (spelled \(ExactText.codePoints(name)))" : quoted(name)
        }
        let list = quotedNames.count == 1 ? quotedNames[0]
            : quotedNames.dropLast().joined(separator: ", ") + " or " + (quotedNames.last ?? "")
        return "; did you mean \(list)?"
    }

    /// The optimal-string-alignment distance of two words when it is at most `bound`, else
    /// `bound + 1`; the rows it works in are kept from word to word.
    ///
    /// Why only cells within `bound` of the diagonal: reaching cell (i, j) costs at least
    /// |i − j|, so cells farther out can never lie on a path of cost ≤ `bound`; they count as
    /// `bound + 1`. That is 2·bound + 1 cells a row instead of the whole row, and no allocation
    /// per candidate: the unbanded version (three fresh rows per name, every cell) took
    /// 0.13–0.2 s to suggest a name among the 50,000 of the bench header.
    package struct BoundedDistance {
        package let bound: Int
        /// Rows i − 2, i − 1 and i of the table; a row is valid from one cell before its band
        /// to one cell after it, which is all the next row reads.
        private var before: [Int] = [], previous: [Int] = [], current: [Int] = []

        package init(bound: Int) {
            self.bound = max(0, bound)
        }

        package mutating func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
            let far = bound + 1
            guard abs(a.count - b.count) <= bound else { return far }
            if a.isEmpty || b.isEmpty { return min(far, max(a.count, b.count)) }
            let n = b.count
            if previous.count < n + 1 {
                before = [Int](repeating: far, count: n + 1)
                previous = before
                current = before
            }
            for j in 0...n { previous[j] = min(j, far) }
            for i in 1...a.count {
                let low = max(1, i - bound), high = min(n, i + bound)
                current[low - 1] = low == 1 ? min(i, far) : far
                if high < n { current[high + 1] = far }
                var rowMinimum = far
                for j in low...high {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, before[j - 2] + 1) }
                    value = min(value, far)
                    current[j] = value
                    rowMinimum = min(rowMinimum, value)
                }
                if rowMinimum > bound { return far }
                (before, previous, current) = (previous, current, before)
            }
            return previous[n]
        }
    }
}
