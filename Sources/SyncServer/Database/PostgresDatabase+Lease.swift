import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// A transaction on one host's pool that fails with `HostUnreachable` when no connection
    /// was had within `limit` (once it has one, the transaction takes the time it needs). The
    /// connection is leased by a task of its own that this one does not wait for when it gives
    /// up: a pool whose host is gone answers a cancelled request only when it stops retrying.
    static func transaction<T: Sendable>(on client: PostgresClient, connectWithin limit: Duration,
                                         _ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        let lease = Lease()
        let holder = Task {
            do {
                try await client.withConnection { connection in
                    guard await lease.deliver(connection) else { return }
                    await lease.held()
                }
            } catch {
                await lease.fail(error)
            }
        }
        let timer = Task {
            try await Task.sleep(for: limit)
            await lease.fail(HostUnreachable())
        }
        let connection: PostgresConnection
        do {
            connection = try await lease.receive()
            timer.cancel()
        } catch {
            timer.cancel()
            holder.cancel()
            throw error
        }
        defer { Task { await lease.release() } }
        return try await transaction(on: connection, body)
    }

    /// No connection to a host within the time allowed.
    struct HostUnreachable: Error {}
}

/// A connection handed from the task that leases it to the request that uses it: the lease is
/// held until the request releases it, or given back at once when the request gave up first.
private actor Lease {
    private var connection: PostgresConnection?
    private var failure: (any Error)?
    private var waiting: CheckedContinuation<PostgresConnection, any Error>?
    private var holding: CheckedContinuation<Void, Never>?
    private var released = false

    /// Hands `connection` over; false when the request already gave up (the lease ends).
    func deliver(_ leased: PostgresConnection) -> Bool {
        guard failure == nil else { return false }
        connection = leased
        waiting?.resume(returning: leased)
        waiting = nil
        return true
    }

    /// No connection: the pool failed, or the time allowed ran out. Ignored once delivered.
    func fail(_ error: any Error) {
        guard connection == nil, failure == nil else { return }
        failure = error
        waiting?.resume(throwing: error)
        waiting = nil
    }

    func receive() async throws -> PostgresConnection {
        if let connection { return connection }
        if let failure { throw failure }
        return try await withCheckedThrowingContinuation { waiting = $0 }
    }

    /// Waits, holding the lease, until the request is done with the connection.
    func held() async {
        guard !released else { return }
        await withCheckedContinuation { holding = $0 }
    }

    func release() {
        released = true
        holding?.resume()
        holding = nil
    }
}
