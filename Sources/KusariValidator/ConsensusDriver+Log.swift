import KusariBFT
import KusariCore
import Logging

/// The validator's write-ahead log as the driver uses it.
extension ConsensusDriver {
    /// Appends a record to the write-ahead log. False when it could not be written: the
    /// message is then not used (a validator must not act on what it could not log).
    func log(_ record: WALRecord) -> Bool {
        guard let wal else { return true }
        do { try wal.append(record) } catch {
            logger.error("consensus: the write-ahead log could not be written", metadata: ["error": "\(error)"])
            return false
        }
        return true
    }

    /// An own message the log could not take: it is never sent, and the validator stops
    /// signing (it follows) rather than sign without its log.
    func unloggable(_ encoded: [UInt8]) {
        unlogged.insert(encoded)
        if machine.signer != nil {
            machine.signer = nil
            logger.critical("consensus: this validator stops signing: its write-ahead log cannot be written (restart it once the disk is fixed)")
        }
    }

    /// The logged records of `height` (after a restart), with the blocks of logged
    /// proposals checked again: the part of a replay that waits.
    func replayRecords(_ height: UInt64) async -> [WALRecord] {
        guard let wal else { return [] }
        let records = wal.replay(height: height)
        guard !records.isEmpty else { return [] }
        logger.notice("consensus: replaying the write-ahead log", metadata: ["height": "\(height)", "records": "\(records.count)"])
        for record in records {
            switch record {
            case .proposal(let message), .ownProposal(let message):
                let id = message.block.id
                if blocks[id] == nil {
                    validity.set(id, await host.checkProposed(message.block))
                    blocks[id] = message.block
                }
            default: break
            }
        }
        return records
    }

    /// Feeds logged records to the machine, with no suspension (our own messages count as
    /// received; the signer answers requests to sign them again with the same message).
    func replay(_ records: [WALRecord]) -> [ConsensusAction] {
        var actions: [ConsensusAction] = []
        for record in records {
            if let event = record.event { actions += feed(event) }
        }
        return actions
    }
}

extension ConsensusDriver {
    /// Turns on the test-only equivocation (`kusari node --test-equivocate`).
    public func equivocate(with key: KeyPair) { equivocationKey = key }
}
