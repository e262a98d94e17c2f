/// Distinct orderings by number, for tests that need many inputs alike but for their order
/// (hash and digest collisions built on purpose).
public enum Permutations {
    /// Permutation number `index` of 0 ..< count (Lehmer code): distinct for index < count!.
    public static func numbered(_ index: Int, of count: Int) -> [Int] {
        var items = Array(0 ..< count), code = index, out: [Int] = []
        for radix in stride(from: count, to: 0, by: -1) {
            out.append(items.remove(at: code % radix))
            code /= radix
        }
        return out
    }
}
