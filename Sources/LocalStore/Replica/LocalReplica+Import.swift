import FieldModels
import Foundation
import GRDB

/// Loading many families at once (a spreadsheet import): each family is saved whole or not at
/// all, and the import as a whole is written entirely or, unless partial, not at all.
extension LocalReplica {
    public struct GroupOutcome: Sendable {
        /// Groups saved, by their index in the input.
        public var saved: [Int: SaveResult] = [:]
        /// Groups refused, by their index, with why.
        public var refused: [Int: StoreError] = [:]
        /// Whether anything was written: false when a group was refused and the import was not partial.
        public var written = false
    }

    /// How a batch of groups is written.
    public enum GroupMode: Sendable {
        /// Every group, or nothing when any is refused.
        case all
        /// The groups the rules accept; the others are left out.
        case partial
        /// Nothing: every group is checked as if saved, then all is rolled back.
        case check
    }

    /// Saves each group of records (a household with its members) in a savepoint of one
    /// transaction: a group the rules refuse leaves nothing of itself. In `.all` mode a refused
    /// group rolls the whole transaction back; the outcome still lists every group's fate, so
    /// the caller can report them all at once.
    public func saveGroups(_ groups: [[any FieldRecord]], mode: GroupMode, now: Date = Date()) throws -> GroupOutcome {
        var outcome = GroupOutcome()
        var keep = false
        do {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for (index, group) in groups.enumerated() {
                        do {
                            try db.inSavepoint {
                                outcome.saved[index] = try save(group, now: now, in: db)
                                return .commit
                            }
                        } catch let error as StoreError where Self.refusals.contains(error.code) {
                            outcome.refused[index] = error
                        }
                    }
                    keep = mode == .partial || (mode == .all && outcome.refused.isEmpty)
                    return keep ? .commit : .rollback
                }
            }
        } catch {
            throw StoreError.wrap(error)
        }
        outcome.written = keep && !outcome.saved.isEmpty
        return outcome
    }

    /// What refuses one group of an import (its content), as opposed to a failure of the store.
    static let refusals: Set<StoreError.Code> = [.validation, .duplicateNIK, .outsideArea, .unknownRegion, .notFound]
}
