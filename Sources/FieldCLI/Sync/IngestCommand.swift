import ArgumentParser
import Foundation
import SyncEngine

/// For the national simulation (issue 19, point 6): devices of every kabupaten/kota pushing new
/// households as fast as the servers take them, until `--changes` changes are in, through the
/// real protocol and client transport (`LoadDevice`: signed requests, nonces, gzip). Each
/// batch is made and sealed by its worker when its turn comes, so no run holds its millions
/// of changes in memory. Prints, on stderr, a line at every `--step` changes stored; on stdout,
/// one JSON object with the seconds each step took.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_ingest", shouldDisplay: false)

    @OptionGroup var target: LoadTarget
    @Option(help: "Changes to store in all.") var changes = 1_000_000
    @Option(help: "Changes per measured step.") var step = 100_000
    @Option(help: "Households (of four: 29 changes) per pushed batch.") var households = 19
    @Option(help: "Pushes running at once.") var concurrency = 8

    func run() throws {
        let devices = try target.devices()
        for device in devices { try device.session() }
        let workers = max(1, min(concurrency, devices.count))
        let progress = IngestProgress(step: step, total: changes)
        let finished = DispatchGroup()
        // Each worker has devices of its own (none shared), and takes their turns in order.
        for worker in 0..<workers {
            let own = stride(from: worker, to: devices.count, by: workers).map { devices[$0] }
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                var turn = 0
                while true {
                    let device = own[turn % own.count]
                    turn += 1
                    do {
                        let batch = try device.batch(households: households)
                        guard progress.claim(batch.changes.count) else { break }
                        progress.stored(try device.push(batch))
                    } catch {
                        progress.fail("\(error)")
                    }
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        finished.wait()
        print(String(decoding: try JSONSerialization.data(withJSONObject: progress.summary(devices: devices.count), options: [.sortedKeys]),
                     as: UTF8.self))
    }
}

/// The batches handed out, the changes stored and when each step was reached, under a lock.
private final class IngestProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let step: Int
    private let total: Int
    private let began = DispatchTime.now().uptimeNanoseconds
    private var claimed = 0
    private var changes = 0
    private var reached: [UInt64] = []
    private var failures: [String] = []

    init(step: Int, total: Int) {
        self.step = max(1, step)
        self.total = total
    }

    /// Whether another batch of `count` changes is still to be pushed (and it is now this caller's).
    func claim(_ count: Int) -> Bool {
        lock.withLock {
            guard claimed < total else { return false }
            claimed += count
            return true
        }
    }

    func stored(_ count: Int) {
        lock.withLock {
            changes += count
            while changes >= (reached.count + 1) * step {
                let now = DispatchTime.now().uptimeNanoseconds
                let last = reached.last ?? began
                reached.append(now)
                let line = String(format: "%@ of %@ changes stored: %.1f s, this step %.1f s\n",
                                  (reached.count * step).formatted(), total.formatted(), Double(now - began) / 1e9, Double(now - last) / 1e9)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
    }

    func fail(_ why: String) {
        lock.withLock {
            failures.append(why)
            FileHandle.standardError.write(Data("push failed: \(why)\n".utf8))
        }
    }

    func summary(devices: Int) -> [String: Any] {
        lock.withLock {
            var steps: [Double] = []
            var previous = began
            for time in reached {
                steps.append(Double(time - previous) / 1e9)
                previous = time
            }
            var out: [String: Any] = [
                "devices": devices, "changes": changes, "step": step, "step_seconds": steps,
                "seconds": Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9, "failures": failures.count,
            ]
            if let first = failures.first { out["first_failure"] = first }
            return out
        }
    }
}
