import StrictJSON

extension TieAnalysis {
    /// Which copies of a group of identical embedding matrices are parameters of their own when
    /// config.json (or the model type's default) unties them, as transformers 5.25 loads them
    /// with `tie_word_embeddings` false (it ties none): one output projection and the input
    /// embedding it would be tied to — BART's and Pegasus' `shared` with the encoder's and
    /// decoder's `embed_tokens` (ProphetNet's `word_embeddings`) under one prefix, or one input
    /// embedding, or, in a pair with the output projection, the other tensor whatever its name.
    /// Further copies (a second `lm_head`, an embedding under another prefix) are not needed.
    struct UntiedSet {
        /// How many copies are needed; 0 or 1 means none (no pair to keep).
        let count: Int
        /// The needed copies by name, when the group says which they are; empty when it does
        /// not (two input embeddings beside one output projection: one of them is needed).
        let named: [String]

        /// The slots of an encoder-decoder's input embeddings under one prefix.
        static let stackSlots = ["shared.weight", "word_embeddings.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight",
                                 "encoder.word_embeddings.weight", "decoder.word_embeddings.weight"]

        /// `stackWeight(prefix)`: how many of the checkpoint's tensors live in the encoder and
        /// decoder under `prefix` — the model's own stack has its layers there, a stray copy's
        /// prefix does not. The heaviest stack is the one named as needed (an `aaa.` copy of the
        /// set sorted first by name was named instead of `model.`'s; adversarial review).
        init(_ names: [String], stackWeight: (String) -> Int = { _ in 0 }) {
            let outputs = names.filter(TensorNames.isOutputProjection)
            let inputs = names.filter { TensorNames.isEmbedding($0) && !TensorNames.isOutputProjection($0) }
            // Each prefix's stack (the longest slot that fits a name decides its prefix).
            var stacks: [String: [String]] = [:]
            for name in inputs {
                guard let slot = Self.stackSlots.filter({ name == $0 || name.hasSuffix("." + $0) }).max(by: { $0.count < $1.count })
                else { continue }
                stacks[String(name.dropLast(slot.count)), default: []].append(name)
            }
            // The largest stack; of equal ones, the heaviest. When two are equal in both, either
            // counts the same and neither is named.
            let ranked = stacks.map { (prefix: $0.key, members: $0.value, weight: stackWeight($0.key)) }
                .sorted { ($0.members.count, $0.weight) > ($1.members.count, $1.weight) }
            let stack = ranked.first?.members ?? []
            let stackIsKnown = ranked.count < 2 || (ranked[0].members.count, ranked[0].weight) != (ranked[1].members.count, ranked[1].weight)
            let hasOutput = !outputs.isEmpty
            let others = names.count - outputs.count
            // The input side: the stack, or one input embedding (or, beside an output
            // projection, one tensor of any name).
            let inputCount = stack.count >= 2 || (stack.count == 1 && hasOutput) ? stack.count : (others > 0 ? 1 : 0)
            let total = (hasOutput ? 1 : 0) + inputCount
            count = total >= 2 ? total : 0
            // Named only when the group leaves no choice.
            var chosen = outputs.count == 1 ? outputs : []
            if inputCount == stack.count, inputCount > 0 {
                guard stackIsKnown else {
                    named = []
                    return
                }
                chosen += stack
            } else if inputs.count == 1 {
                chosen += inputs
            } else if others == 1 {
                chosen += names.filter { !TensorNames.isOutputProjection($0) }
            }
            named = chosen.count == count ? chosen.sortedByCodePoints() : []
        }

        /// The group's note: which copies transformers loads as parameters of their own, and
        /// which are further copies.
        func note(_ names: [String], untie: String) -> String {
            let holds = "these embedding copies hold identical bytes, but \(untie): transformers ties none of them"
            guard count > 1 else {
                return holds + ", and no output projection and input embedding pair is among them: one copy is needed at most, the others have no known reason"
            }
            if named.count == names.count {
                return named.count == 2 && named.contains(where: TensorNames.isOutputProjection)
                    ? "embedding and output projection hold identical bytes, but \(untie): transformers loads them as two parameters, so neither is a tie saved twice"
                    : holds + " and loads each as its own parameter, so none is a tie saved twice"
            }
            let further = names.count - count
            let which = named.isEmpty ? "" : " (\(named.joined(separator: ", ")))"
            return holds + " and loads \(count) as parameters of their own\(which); the other \(further == 1 ? "copy is a further one" : "\(further) are further copies") with no known reason"
        }
    }
}
