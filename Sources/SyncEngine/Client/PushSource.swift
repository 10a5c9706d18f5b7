/// The changes a push sends, read a page at a time in the order a store must receive them
/// (Lamport order, whole transactions), so that a push of any size holds one page in memory,
/// not the whole delta. The sync driver owns it; `SyncMachine` asks for each page
/// (`Action.page`) once the previous one was answered.
public protocol PushSource {
    /// How many changes the push sends in all (for progress).
    var total: Int { get }
    /// The next page: whole transactions, cut before a transaction that would take the page
    /// past `maxChanges` (one transaction larger than that travels alone). Empty when all is out.
    mutating func next(maxChanges: Int) throws -> SealedBatch
}

/// A push source over a delta already in memory: a bundle's (bounded by its recipient's
/// scope), a memory replica's, a test's.
public struct HeldPush: PushSource {
    private let delta: SealedBatch
    /// Cut at the first page asked for; a push asks every page with the same size.
    private var pages: ArraySlice<SealedBatch>?
    public var total: Int { delta.changes.count }

    public init(_ delta: SealedBatch) { self.delta = delta }

    public mutating func next(maxChanges: Int) -> SealedBatch {
        if pages == nil { pages = ArraySlice(Batching.batches(delta, maxChanges: maxChanges)) }
        return pages?.popFirst() ?? SealedBatch()
    }
}
