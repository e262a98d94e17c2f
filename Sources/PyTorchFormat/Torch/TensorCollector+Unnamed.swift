/// Tensors met where torch.load returns them under no state-dict name (a dict key, a tensor's
/// backward hooks or Python attributes, an OrderedDict's attributes, …), told apart from the same
/// tensor object also reached under a name.
///
/// torch.load rebuilds one Python object per pickled rebuild call, and the memo shares it: a
/// tensor `w` of the state dict that is also put into `v`'s backward hooks is returned as `w`,
/// its values read here under that name. Why: such files were refused as "it has no state-dict
/// name", which was not true, while torch.load(weights_only=True) returned both `v` and `w`
/// (hunt-64c L3, `TestData/pytorch-load-changes/named-in-*.pt`). A tensor object reached only
/// where it has no name is still refused (`unnamedTensor`): leaving it out would make a report
/// about a checkpoint it has not read.
extension TensorCollector {
    /// What an object was searched for where a tensor would have no name: plainly, or among
    /// items changed after an `OrderedDict`/`Counter` call (where a tensor is refused as such).
    struct UnnamedSearch {
        var object: Int
        var itemsChanged: Bool

        var bit: UInt8 { itemsChanged ? 2 : 1 }
    }

    func wasSearched(_ search: UnnamedSearch) -> Bool {
        search.object >= 0 && search.object < searchedWithoutName.count && searchedWithoutName[search.object] & search.bit != 0
    }

    mutating func markSearched(_ search: UnnamedSearch) {
        guard search.object >= 0, search.object < program.box.store.recordCount else { return }
        if searchedWithoutName.isEmpty { searchedWithoutName = [UInt8](repeating: 0, count: program.box.store.recordCount) }
        searchedWithoutName[search.object] |= search.bit
    }

    /// Walks the pickle from its root, then refuses the first tensor object met without a name
    /// that no name reached.
    ///
    /// The tensor object may be named later in the pickle than it is met without a name
    /// (`named-in-hooks-later.pt`), so the refusal waits for the end of the walk. When the walk
    /// stops on another refusal first, a tensor met without a name and not named by then is
    /// reported, as it was before this waited: the file is refused either way, and that is
    /// the first thing the walk found wrong.
    mutating func walkRoot() throws(TorchFormatError) {
        do {
            try walk(program.root, depth: 0)
        } catch {
            if let first = unnamedSightings.first(where: { !namedTensorObjects.contains($0.object) }) { throw first.refusal }
            throw error
        }
        if let first = unnamedSightings.first(where: { !namedTensorObjects.contains($0.object) }) { throw first.refusal }
    }

    /// Whether tensor object `object` is met where it would have no name (then it is not read
    /// here, and the caller skips it): it is noted, to be refused unless a name reaches it
    /// (`walkRoot`). Among items changed after an `OrderedDict`/`Counter` call it is refused at
    /// once (`itemsChangedAfterCall`): those items are not known, so neither is its name there.
    mutating func metWithoutName(_ object: Int) throws(TorchFormatError) -> Bool {
        guard let (place, holder, changed) = unnamedPlace else { return false }
        if let changed { throw .itemsChangedAfterCall(near: name(of: path.prefix(holder)), container: changed) }
        if !namedTensorObjects.contains(object), sightedWithoutName.insert(object).inserted {
            unnamedSightings.append((object: object, refusal: TorchFormatError.unnamedTensor(near: name(of: path.prefix(holder)), place: place)))
        }
        return true
    }
}
