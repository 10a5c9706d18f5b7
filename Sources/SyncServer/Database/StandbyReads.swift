import FieldModels
import Foundation
import Logging
import PostgresNIO

/// Reads that may trail the primary by a moment (the Dinas pages and their exports), sent to a
/// hot standby of the database when one of the URL's hosts is in recovery, so the primary keeps
/// its work for the laptops' pushes. When no standby answers, or one fails mid-read (gone, or a
/// query cancelled by a conflict with recovery), the read runs on the primary instead: the page
/// is shown, and `status()` says where it came from and how far the standby is behind.
final class StandbyReads: SQLDatabase {
    let dialect = SQLDialect.postgres
    let database: PostgresDatabase
    private let chosen = StandbyChoice()

    init(database: PostgresDatabase) { self.database = database }

    /// Where a read comes from now, and how far behind the primary that is.
    struct Status: Sendable, Equatable {
        /// The standby read from (`host:port`); nil when reads fall back to the primary.
        var standby: String?
        /// Bytes of WAL the primary has written that the standby has not yet applied.
        var behindBytes: Int64
        /// How long ago the newest transaction the standby has applied was committed, in
        /// seconds; nil before it applied any.
        var newestAppliedAge: Int64?

        /// The line every Dinas page shows above its content.
        func text(_ language: Language) -> String {
            guard let standby else {
                return language == .en ? "Read from the primary database: no standby answers now."
                                       : "Dibaca dari basis data primary: tidak ada standby yang menjawab saat ini."
            }
            guard behindBytes > 0 else {
                return language == .en ? "Read from the standby \(standby): up to date with the primary."
                                       : "Dibaca dari standby \(standby): mutakhir, sama dengan primary."
            }
            let size = Self.size(behindBytes)
            let age = newestAppliedAge.map { language == .en ? "; the newest change shown was committed \($0) s ago" : "; perubahan terbaru yang tampil disimpan \($0) detik lalu" } ?? ""
            return language == .en ? "Read from the standby \(standby): \(size) of changes behind the primary\(age)."
                                   : "Dibaca dari standby \(standby): tertinggal \(size) perubahan dari primary\(age)."
        }

        static func size(_ bytes: Int64) -> String {
            bytes < 1024 ? "\(bytes) B" : bytes < 1024 * 1024 ? "\(bytes / 1024) kB" : String(format: "%.1f MB", Double(bytes) / 1_048_576)
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        if let standby = await standby() {
            do {
                return try await PostgresDatabase.transaction(on: database.clients[standby], connectWithin: .seconds(3), body)
            } catch where Self.leavesStandby(error) {
                await chosen.forget(standby)
            }
        }
        return try await database.transaction(body)
    }

    /// Where reads come from and the standby's lag: its applied WAL position against the
    /// primary's current one.
    func status() async -> Status {
        guard let standby = await standby() else { return Status(standby: nil, behindBytes: 0, newestAppliedAge: nil) }
        do {
            let applied = try await PostgresDatabase.rows(on: database.clients[standby], """
                SELECT CAST(pg_last_wal_replay_lsn() AS TEXT) AS applied,
                       CAST(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) AS BIGINT) AS age
                """)
            guard let row = applied.first, let position = row["applied"].string else { throw ServerError.internalFailure("no replay position") }
            let behind = try await database.transaction { db in
                try await db.query("SELECT CAST(pg_wal_lsn_diff(pg_current_wal_lsn(), CAST(? AS pg_lsn)) AS BIGINT) AS behind", [.text(position)])
            }
            return Status(standby: database.hosts[standby], behindBytes: max(0, behind.first?["behind"].integer ?? 0),
                          newestAppliedAge: row["age"].integer.map { max(0, $0) })
        } catch {
            await chosen.forget(standby)
            return Status(standby: nil, behindBytes: 0, newestAppliedAge: nil)
        }
    }

    /// The first host found in recovery (a hot standby), asked again after it is lost. When none
    /// is, the hosts are asked again only after a while: a dead host costs a connection timeout.
    private func standby() async -> Int? {
        if let known = await chosen.index { return known }
        guard await chosen.mayAsk(now: Date()) else { return nil }
        for index in database.clients.indices {
            if await database.inRecovery(host: index) == true {
                await chosen.choose(index)
                return index
            }
        }
        await chosen.missed(at: Date())
        return nil
    }

    /// Whether a failed read should be tried on the primary: the standby is gone or shutting
    /// down, or cancelled the query for a conflict with recovery (40001).
    static func leavesStandby(_ error: any Error) -> Bool {
        if PostgresDatabase.losesPrimary(error) { return true }
        return (error as? PSQLError)?.serverInfo?[.sqlState] == "40001"
    }

    /// The primary's owner closes the pools.
    func close() async {}
}

/// Which host is the standby read from, once known.
private actor StandbyChoice {
    private(set) var index: Int?
    private var lastMiss: Date?
    func choose(_ chosen: Int) { index = chosen }
    func missed(at time: Date) { lastMiss = time }
    func mayAsk(now: Date) -> Bool { lastMiss.map { now.timeIntervalSince($0) > 10 } ?? true }
    func forget(_ lost: Int) { if index == lost { index = nil } }
}
