import Foundation
import KusariConsensus
import KusariContracts
import KusariExchange
import KusariCore
import KusariStorage

/// Re-derives everything from the stored blocks: links, proof of work,
/// difficulty, timestamps, Merkle roots, signatures, a full state replay, the
/// undo records, the header index, the transaction index and the stored
/// accounts. Any changed byte of stored data shows up as the first height (or
/// table) where what is stored differs from what the blocks imply.
public enum ChainVerifier {
    /// What `verify` found wrong.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// The height where stored data first differs, when it is tied to one.
        public var height: UInt64?
        public var problem: String
        public var description: String {
            height.map { "height \($0): \(problem)" } ?? problem
        }
    }

    /// Verifies the chain in `directory`, returning its summary when all is well.
    public static func verify(directory: String, now: UInt64 = UInt64(max(0, Date().timeIntervalSince1970)),
                              contracts: any ContractExecutor = ContractEngine(),
                              exchange: any ExchangeExecutor = ExchangeEngine()) throws(ChainError) -> ChainSummary {
        let store: ChainStore
        do { store = try ChainStore(directory: directory, mode: .readWrite) } catch { throw .storage(error) }
        defer { store.close() }
        do {
            return try run(store, now: now, contracts: contracts, exchange: exchange)
        } catch let f as Failure {
            throw .corrupt(f.description)
        } catch let e as StorageError {
            throw .storage(e)
        } catch {
            throw .corrupt(String(describing: error))
        }
    }

    static func run(_ store: ChainStore, now: UInt64, contracts: any ContractExecutor,
                    exchange: any ExchangeExecutor) throws -> ChainSummary {
        func fail(_ height: UInt64?, _ problem: String) -> Failure { Failure(height: height, problem: problem) }

        let quick = try store.integrityCheck()
        guard quick == "ok" else { throw fail(nil, "SQLite integrity check: \(quick)") }
        guard let json = try store.meta("genesis") else { throw fail(0, "no genesis recorded") }
        let genesis: Genesis
        do { genesis = try Genesis(json: json) } catch { throw fail(0, "stored genesis file: \(error)") }
        let genesisBlock = try genesis.block()
        let engine = try genesis.engine()
        let rules = genesis.rules
        guard try store.meta("genesisId") == Data(genesisBlock.id.bytes) else { throw fail(0, "recorded genesis id was changed") }

        // Header rows, by id.
        var rows: [Hash256: StoredHeader] = [:]
        let headerRows: [StoredHeader]
        do { headerRows = try store.headers() } catch { throw fail(nil, "header index: a stored header does not decode (\(error))") }
        for h in headerRows {
            guard h.header.id == h.id else { throw fail(h.header.height, "header index row \(h.id) does not hash to its id") }
            rows[h.id] = h
        }

        // The best chain, replayed from the genesis.
        var state = try genesis.state()
        var headers: [BlockHeader] = []
        var chainIds: [Hash256] = []
        var work = UInt256.zero
        var expectedTxIndex: [Hash256: TransactionLocation] = [:]
        var expectedAddressIndex: [AddressEntry] = []
        var offences = Set<[UInt8]>()
        try store.forEachBestChainBlock { height, id, bytes, storedUndo in
            guard height == UInt64(headers.count) else { throw fail(UInt64(headers.count), "best chain has no block at this height") }
            guard let bytes else { throw fail(height, "block \(id) is missing") }
            let block: Block
            do { block = try Block(decoding: bytes) } catch { throw fail(height, "stored block does not decode: \(error)") }
            guard block.id == id else { throw fail(height, "stored block was changed (it no longer hashes to \(id))") }
            if height == 0 {
                guard block == genesisBlock else { throw fail(0, "stored genesis block differs from the genesis file") }
            } else {
                let parent = headers[headers.count - 1]
                let ctx = HeaderContext(parent: parent, now: now) { h in h < UInt64(headers.count) ? headers[Int(h)] : nil }
                do { try engine.validate(block.header, context: ctx) } catch { throw fail(height, "\(error)") }
                do { try engine.checkConsensusData(of: block, parent: parent) } catch { throw fail(height, "\(error)") }
                for item in block.evidence where !offences.insert(item.offence).inserted {
                    throw fail(height, "evidence: an offence already included by an earlier block")
                }
            }
            let undo: BlockUndo
            if height == 0 {
                undo = BlockUndo(entries: [])
            } else {
                let applied: AppliedBlock
                do { applied = try BlockApplication.apply(block, to: state, rules: rules, contracts: contracts, exchange: exchange) } catch {
                    throw fail(height, "\(error)")
                }
                state = applied.state
                undo = applied.undoRecord
            }
            guard let storedUndo, storedUndo == undo.encoded else {
                throw fail(height, "undo record is missing or was changed")
            }
            work = work &+ engine.weight(of: block.header)
            guard let row = rows[id] else { throw fail(height, "header index has no row for this block") }
            guard row.header == block.header else { throw fail(height, "header index row differs from the block") }
            guard UInt256(bigEndianBytes: row.chainWork) == work else { throw fail(height, "header index chain work was changed") }
            guard row.status == .valid else { throw fail(height, "header index marks this best-chain block \(row.status)") }
            for (i, tx) in block.transactions.enumerated() {
                expectedTxIndex[tx.id] = TransactionLocation(blockId: id, height: height, position: i)
            }
            expectedAddressIndex += AddressEntry.entries(of: block.transactions, height: height)
            headers.append(block.header)
            chainIds.append(id)
        }
        guard !headers.isEmpty else { throw fail(0, "best chain is empty") }
        // On a BFT chain every block but the genesis has its commit certificate stored.
        if engine.finalizes {
            for (height, header) in headers.enumerated().dropFirst() {
                guard let bytes = try store.commit(chainIds[height]), let commit = try? BlockCommit(decoding: bytes) else {
                    throw fail(UInt64(height), "the block's commit certificate is missing or does not decode")
                }
                do { try engine.checkCommit(commit, of: header) } catch { throw fail(UInt64(height), "stored commit: \(error)") }
            }
        }
        let tipHeight = UInt64(headers.count - 1)
        guard let tipId = chainIds.last, try store.meta("tip") == Data(tipId.bytes) else {
            throw fail(tipHeight, "recorded tip differs from the best chain")
        }

        // Side branches: every stored body must match its header.
        for h in headerRows where !(h.header.height < UInt64(headers.count) && chainIds[Int(h.header.height)] == h.id) {
            if let bytes = try store.block(h.id) {
                guard let block = try? Block(decoding: bytes), block.id == h.id else {
                    throw fail(h.header.height, "stored side-branch block \(h.id) was changed")
                }
            }
        }

        // Transaction index.
        let storedIndex = try store.transactionIndex()
        for (txid, location) in storedIndex {
            guard let expected = expectedTxIndex[txid] else {
                throw fail(location.height, "transaction index has an entry for \(txid), which is not in the best chain")
            }
            guard expected == location else { throw fail(expected.height, "transaction index entry of \(txid) was changed") }
        }
        if storedIndex.count != expectedTxIndex.count {
            let missing = expectedTxIndex.filter { e in !storedIndex.contains { $0.0 == e.key } }
                .min { $0.value.height < $1.value.height }
            throw fail(missing?.value.height, "transaction index is missing \(missing.map { $0.key.hex } ?? "entries")")
        }

        // Address history index.
        let storedAddresses = try store.addressIndex()
        let expectedAddresses = expectedAddressIndex.sorted {
            ($0.address, $0.height, $0.position) < ($1.address, $1.height, $1.position)
        }
        if storedAddresses != expectedAddresses {
            let firstBad = zip(storedAddresses, expectedAddresses).first { $0 != $1 }
            throw fail(firstBad.map { min($0.0.height, $0.1.height) } ?? tipHeight, "address history index differs from the blocks")
        }

        // Stored accounts against the replayed state.
        var replayed: [(AddressPayload, Account)] = []
        state.forEach { replayed.append(($0, $1)) }
        let stored = try store.accounts()
        for (i, (key, account)) in replayed.enumerated() {
            guard i < stored.count, stored[i].0 == key, stored[i].1.balance == account.balance,
                  stored[i].1.nonce == account.nonce, stored[i].1.codeHash == account.codeHash else {
                throw fail(tipHeight, "stored account state differs from the replay at account \(key.hex)")
            }
        }
        guard stored.count == replayed.count else {
            throw fail(tipHeight, "stored account state has \(stored.count) accounts, the replay \(replayed.count)")
        }
        let storedStorage = try store.storageEntries()
        let replayedStorage = state.contractsWithStorage.map { ($0, state.storage($0).entries) }
        guard storedStorage.count == replayedStorage.count,
              zip(storedStorage, replayedStorage).allSatisfy({ $0.0 == $1.0 && $0.1 == $1.1 }) else {
            throw fail(tipHeight, "stored contract storage differs from the replay")
        }
        for (_, account) in replayed {
            if let hash = account.codeHash, try store.code(hash).map(Hash256.sha256) != hash {
                throw fail(tipHeight, "the code of hash \(hash) is missing or was changed")
            }
        }
        guard state.root == headers[headers.count - 1].stateRoot else { throw fail(tipHeight, "state root differs") }
        return ChainSummary(network: genesis.network.rawValue, height: tipHeight, tip: tipId, chainWork: work.hexString,
                            stateRoot: state.root)
    }
}
